export { defaultPullPolicy } from "./apiserverDefaults.ts";
export { canonicalJson } from "./canonicalJson.ts";
export { podTemplateHash } from "./podTemplateHash.ts";
export { canonicalQuantity, parseQuantity, quantitiesEqual, type Rational } from "./quantity.ts";
export { semanticForm } from "./semanticForm.ts";
export { templatesDiffer } from "./templatesDiffer.ts";
