/** The in-cluster service account: what a pod is given instead of a kubeconfig. */
import { existsSync, readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import { join } from "node:path";
import { KubeconfigError } from "./KubeconfigError.ts";
import type { KubeTarget } from "./KubeTarget.ts";
import { tokenFileAuth } from "./tokenFile.ts";

/** Where the kubelet mounts a pod's service account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Options of {@link inClusterTarget}. */
export interface InClusterOptions {
  /** Environment with `KUBERNETES_SERVICE_HOST` / `KUBERNETES_SERVICE_PORT`. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The service account folder (`token`, `ca.crt`, `namespace`). @default {@link SERVICE_ACCOUNT_DIR} */
  dir?: string;
  /** Clock for re-reading the token. @default Date.now */
  now?: () => number;
}

/**
 * The API server as seen from inside a pod: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, the
 * mounted CA, and the mounted token, re-read every minute because the kubelet rotates it. `undefined` when not
 * running in a pod (no service host, or no token).
 */
export function inClusterTarget(options: InClusterOptions = {}): KubeTarget | undefined {
  const env = options.env ?? process.env;
  const dir = options.dir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenPath = join(dir, "token");
  if (!host || !port || !existsSync(tokenPath)) return undefined;
  const caPath = join(dir, "ca.crt");
  let ca: string;
  try {
    ca = readFileSync(caPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new KubeconfigError(`in-cluster service account: cannot read ${caPath} (${code})`, {
      cause: error,
    });
  }
  const namespace = existsSync(join(dir, "namespace"))
    ? readFileSync(join(dir, "namespace"), "utf8").trim()
    : "";
  return {
    name: "in-cluster",
    server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    tls: { ca },
    auth: tokenFileAuth(tokenPath, "in-cluster service account token", options.now),
    ...(namespace ? { namespace } : {}),
  };
}
