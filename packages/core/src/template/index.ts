export { APISERVER_TEMPLATE_DEFAULTS, defaultPullPolicy } from "./apiserverDefaults.ts";
export { canonicalJson } from "./canonicalJson.ts";
export { podTemplateHash } from "./podTemplateHash.ts";
export { canonicalQuantity, parseQuantity, quantitiesEqual, type Rational } from "./quantity.ts";
export { semanticForm } from "./semanticForm.ts";
export { templateDiffPaths } from "./templateDiffPaths.ts";
export { templatesDiffer } from "./templatesDiffer.ts";
