export { type AllChildren, type AllChildrenInputs, buildAllChildren } from "./all.ts";
export { buildConfigMap } from "./configMap.ts";
export { buildCoreSet, type SetOptions } from "./coreSet.ts";
export { ChildBuildError, MissingSecretRefError } from "./errors.ts";
export {
  mergeEnv,
  mergeFirstWins,
  mergeLastWins,
  withUniqueContainerKeys,
  withUniquePodKeys,
} from "./keyedLists.ts";
export { childMeta, crLabels, namespaceOf, ownerReference } from "./meta.ts";
export { buildCorePdb, buildReplicantPdb, hasReplicants } from "./pdbs.ts";
export { buildPodTemplate, podLabels, type RoleTemplate, roleTemplate } from "./podTemplate.ts";
export { mergeContainerPorts, mergeServicePorts } from "./ports.ts";
export { buildReplicantSet } from "./replicantSet.ts";
export {
  type BootstrapSecretOptions,
  buildBootstrapSecret,
  buildCookieSecret,
  type CookieSecretOptions,
  computeBootstrapApiKeys,
  referencedSecretNames,
  type SecretRefValues,
} from "./secrets.ts";
export {
  buildDashboardService,
  buildHeadlessService,
  buildListenersService,
  type ExposedServiceOptions,
  type ListenersServiceOptions,
} from "./services.ts";
export { buildStateSecret, type GeneratedCredentials } from "./stateSecret.ts";
