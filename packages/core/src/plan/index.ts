export {
  computeApiCandidates,
  computeApiReads,
  globalStatusBusy,
  mustCheckAvailability,
} from "./apiReads.ts";
export { configDigest, configRecorded } from "./config.ts";
export { chooseCredentials, credentialSource } from "./credentials.ts";
export { type DashboardCaSource, dashboardCaSource, dashboardServerNames } from "./dashboardTrust.ts";
export { changedPaths, diffObjects, type FieldChange, IGNORED_PATHS } from "./objectDiff.ts";
export { plan } from "./plan.ts";
export { forbiddenPodFields, podPolicyProblem } from "./podPolicy.ts";
export {
  chooseLeaving,
  LEAVING_DELETION_COST,
  LEAVING_EVACUATION_BOUND_SECONDS,
} from "./replicantScaleDown.ts";
export {
  API_POLL_SECONDS,
  API_RETRY_SECONDS,
  API_STARTING_RETRY_SECONDS,
  API_STARTING_WINDOW_SECONDS,
  API_UNAUTHORIZED_RETRY_SECONDS,
} from "./requeue.ts";
export { EVACUATION_POLL_SECONDS } from "./scaleDown.ts";
export { secretRefProblem, unconsentedSecrets } from "./secretRefConsent.ts";
export { SECRET_REF_RETRY_SECONDS, secretRefsToRead, templateCredentialsGeneration } from "./secrets.ts";
export { statusDiffers } from "./statusDiff.ts";
export type * from "./types.ts";
export {
  computeFailureMessage,
  computeFailureReason,
  FAILURE_BACKOFF_MAX_SECONDS,
  FAILURE_BACKOFF_MIN_SECONDS,
  isFailureReported,
  planWriteFailure,
  type WriteFailure,
  type WriteFailureInput,
  type WriteFailureReport,
} from "./writeFailure.ts";
