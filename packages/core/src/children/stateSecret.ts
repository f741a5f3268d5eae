import {
  childNames,
  defaultLabels,
  type Emqx,
  STATE_KEY_CONTROLLER_PASSWORD,
  STATE_KEY_NODE_COOKIE,
} from "@emqx-reconciler/api";
import type { V1Secret } from "@kubernetes/client-node";
import { childMeta, crLabels } from "./meta.ts";

/** The values `<name>-reconciler-state` keeps: what the two create-only Secrets were made from. */
export interface GeneratedCredentials {
  /** The `emqx-operator-controller` API secret of `<name>-bootstrap-api-key`. */
  readonly password: string;
  /** The `node_cookie` value of `<name>-node-cookie`, exactly as stored there. */
  readonly cookie: string;
}

/**
 * `<name>-reconciler-state`: the reconciler's own copy of the generated credentials, owned by the CR (garbage
 * collected with it), immutable, labelled like every child so it is listed by presence with them. When
 * `<name>-bootstrap-api-key` or `<name>-node-cookie` is deleted, the Secret comes back with these values, the ones
 * the running pods loaded at start, instead of new random ones that would lock the reconciler out (HTTP 401 from
 * every pod) or keep restarted pods out of the cluster (another cookie).
 *
 * @example buildStateSecret(emqx, { password, cookie }).metadata.name // "emqx-reconciler-state"
 */
export function buildStateSecret(emqx: Emqx, values: GeneratedCredentials): V1Secret {
  const name = childNames(emqx.metadata.name).reconcilerState;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: childMeta(emqx, name, crLabels(emqx, defaultLabels(emqx.metadata.name))),
    immutable: true,
    stringData: {
      [STATE_KEY_CONTROLLER_PASSWORD]: values.password,
      [STATE_KEY_NODE_COOKIE]: values.cookie,
    },
  };
}
