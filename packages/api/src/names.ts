/**
 * Every name the reconciler derives from an EMQX custom resource, in one place.
 *
 * The names equal the EMQX Operator 2.2's, so clusters created by either can be served by both.
 */

/** API group, version and kind of the custom resource. */
export const GROUP = "apps.emqx.io";
export const VERSION = "v2beta1";
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = "EMQX";
export const LIST_KIND = "EMQXList";
export const PLURAL = "emqxes";
export const SINGULAR = "emqx";
export const SHORT_NAMES = ["emqx"] as const;
export const CRD_NAME = `${PLURAL}.${GROUP}`;

/** The one server-side-apply field manager every write of ours uses. */
export const FIELD_MANAGER = "emqx-reconciler";

/** Name of the `emqx` container (the operator's `DefaultContainerName`). */
export const CONTAINER_NAME = "emqx";

/** Bootstrap API key the reconciler authenticates with (the operator's `DefaultBootstrapAPIKey`). */
export const CONTROLLER_API_KEY = "emqx-operator-controller";

/** Keys inside the two create-only Secrets and the ConfigMap. */
export const SECRET_KEY_BOOTSTRAP = "bootstrap_api_key";
export const SECRET_KEY_COOKIE = "node_cookie";
export const CONFIGMAP_KEY = "emqx.conf";

/**
 * Keys of `<name>-reconciler-state`, the reconciler's own copy of the values it generated (or first found) for the
 * two create-only Secrets, so a deleted one comes back with the values the running pods still use.
 */
export const STATE_KEY_CONTROLLER_PASSWORD = "controller_password";
export const STATE_KEY_NODE_COOKIE = "node_cookie";

/** Volume names the pod templates use. */
export const VOLUME_BOOTSTRAP_API_KEY = "bootstrap-api-key";
export const VOLUME_BOOTSTRAP_CONFIG = "bootstrap-config";

/** Paths inside the EMQX container. */
export const PATH_BOOTSTRAP_API_KEY = "/opt/emqx/data/bootstrap_api_key";
export const PATH_CONFIG = "/opt/emqx/etc/emqx.conf";
export const PATH_LOG = "/opt/emqx/log";
export const PATH_DATA = "/opt/emqx/data";

/**
 * Length of the pod-template hash in set names (`<name>-core-<hash>`). Name limits of the CR are derived from it,
 * so a longer hash would shorten the names users may choose.
 */
export const POD_TEMPLATE_HASH_LENGTH = 10;

/** The two EMQX node roles, as `EMQX_NODE__ROLE`, the `db-role` label and the API's `role`. */
export type Role = "core" | "replicant";

/** Names of every child object of the CR named `name`. */
export interface ChildNames {
  coreSet(hash: string): string;
  replicantSet(hash: string): string;
  headless: string;
  dashboard: string;
  listeners: string;
  configs: string;
  bootstrapApiKey: string;
  nodeCookie: string;
  /** The reconciler's copy of the generated credentials (not an operator child). */
  reconcilerState: string;
  corePdb: string;
  replicantPdb: string;
  /** PVC template name and, without one, the emptyDir data volume of core pods. */
  coreData: string;
  coreLog: string;
  replicantData: string;
  replicantLog: string;
}

/** Derives every child name of the CR named `name`. */
export function childNames(name: string): ChildNames {
  return {
    coreSet: (hash) => `${name}-core-${hash}`,
    replicantSet: (hash) => `${name}-replicant-${hash}`,
    headless: `${name}-headless`,
    dashboard: `${name}-dashboard`,
    listeners: `${name}-listeners`,
    configs: `${name}-configs`,
    bootstrapApiKey: `${name}-bootstrap-api-key`,
    nodeCookie: `${name}-node-cookie`,
    reconcilerState: `${name}-reconciler-state`,
    corePdb: `${name}-core`,
    replicantPdb: `${name}-replicant`,
    coreData: `${name}-core-data`,
    coreLog: `${name}-core-log`,
    replicantData: `${name}-replicant-data`,
    replicantLog: `${name}-replicant-log`,
  };
}

/** DNS name of the headless Service, as in `EMQX_CLUSTER__DNS__NAME`. */
export function headlessDnsName(name: string, namespace: string, clusterDomain: string): string {
  return `${name}-headless.${namespace}.svc.${clusterDomain}`;
}

/** EMQX node name of a core pod: `emqx@<pod>.<name>-headless.<ns>.svc.<clusterDomain>`. */
export function coreNodeName(pod: string, name: string, namespace: string, clusterDomain: string): string {
  return `emqx@${pod}.${headlessDnsName(name, namespace, clusterDomain)}`;
}

/** EMQX node name of a replicant pod: `emqx@<podIP>`. */
export function replicantNodeName(podIP: string): string {
  return `emqx@${podIP}`;
}

/** Key of one CR across clusters: `cluster/namespace/name` (also the SQS FIFO message group). */
export function crKey(cluster: string, namespace: string, name: string): string {
  return `${cluster}/${namespace}/${name}`;
}
