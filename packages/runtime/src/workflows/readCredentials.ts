/**
 * Reading the credentials the running cluster uses, only in the passes that need them: while a generated Secret
 * is missing (from `<name>-reconciler-state`) or while the state copy is missing (from the generated Secrets).
 * The values go to `plan` and nowhere else: not into logs, events, status or errors.
 */
import { isKubeError, KubeErrorKind } from "@emqx-reconciler/adapters";
import {
  childNames,
  SECRET_KEY_COOKIE,
  STATE_KEY_CONTROLLER_PASSWORD,
  STATE_KEY_NODE_COOKIE,
} from "@emqx-reconciler/api";
import { credentialSource, type KnownCredentials, type SecretPresence } from "@emqx-reconciler/core";
import type { KubePort } from "../ports.ts";

/** The reads this module makes. */
type CredentialReader = Pick<KubePort, "readBootstrapCredential" | "getSecret">;

function defined(values: { password?: string | undefined; cookie?: string | undefined }): KnownCredentials {
  return {
    ...(values.password ? { password: values.password } : {}),
    ...(values.cookie ? { cookie: values.cookie } : {}),
  };
}

/** The controller's API secret from the bootstrap Secret; a Secret without that line holds none. */
async function controllerPassword(kube: CredentialReader, namespace: string, name: string) {
  try {
    return (await kube.readBootstrapCredential(namespace, name))?.password;
  } catch (error) {
    if (isKubeError(error, KubeErrorKind.Terminal)) return undefined;
    throw error;
  }
}

/**
 * `observed.knownCredentials` for the CR `namespace/name`, or `undefined` when all three Secrets exist (no read).
 *
 * @example const known = await readKnownCredentials(kube, "default", "emqx", observed.secrets);
 */
export async function readKnownCredentials(
  kube: CredentialReader,
  namespace: string,
  name: string,
  secrets: readonly SecretPresence[],
): Promise<KnownCredentials | undefined> {
  const source = credentialSource(name, secrets);
  if (source === undefined) return undefined;
  const names = childNames(name);
  if (source === "state") {
    const state = await kube.getSecret(namespace, names.reconcilerState);
    return defined({
      password: state?.[STATE_KEY_CONTROLLER_PASSWORD],
      cookie: state?.[STATE_KEY_NODE_COOKIE],
    });
  }
  const has = (n: string) => secrets.some((s) => s.name === n);
  const [password, cookie] = await Promise.all([
    has(names.bootstrapApiKey) ? controllerPassword(kube, namespace, name) : undefined,
    has(names.nodeCookie)
      ? kube.getSecret(namespace, names.nodeCookie).then((d) => d?.[SECRET_KEY_COOKIE])
      : undefined,
  ]);
  return defined({ password, cookie });
}
