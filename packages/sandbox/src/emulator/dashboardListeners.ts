/**
 * Which dashboard listeners an emulated EMQX node serves, decided as EMQX decides them from its config: plain http
 * on the dashboard port unless `dashboard.listeners.http` has `enable = false` or a bind of port 0, and TLS on
 * `dashboard.listeners.https.bind` when that has a non-zero port and is not `enable = false`. The https listener
 * serves the certificate `ssl_options.certfile`/`keyfile` name: EMQX reads them from files, which on Kubernetes
 * are a Secret the user mounts with `extraVolumes`/`extraVolumeMounts`, so the emulator follows the pod's mounts
 * to that Secret and serves its keys. Without such a certificate the https listener is not started (EMQX's
 * built-in self-signed default certificate is not emulated).
 */
import { computeBindPort } from "@emqx-reconciler/core";
import type { V1Pod } from "@kubernetes/client-node";
import { type ConfigTree, type ConfigValue, isConfigTree } from "./configTree.ts";
import type { PodFacts } from "./podFacts.ts";

/** PEM text of the certificate (chain) and private key the https dashboard listener serves. */
export interface DashboardTls {
  readonly cert: string;
  readonly key: string;
}

/** One listener to run: a pod's dashboard on `ip:port`, over TLS when `tls` is set. */
export interface DashboardListenerSpec {
  /** `namespace/pod` */
  readonly podKey: string;
  readonly uid: string;
  readonly nodeName: string;
  readonly ip: string;
  readonly port: number;
  readonly scheme: "http" | "https";
  readonly tls?: DashboardTls;
}

/** A file of the pod's EMQX container that comes from a key of a Secret volume. */
export interface SecretFileRef {
  readonly secretName: string;
  readonly key: string;
}

function child(tree: ConfigValue | undefined, ...path: string[]): ConfigValue | undefined {
  let at = tree;
  for (const key of path) at = isConfigTree(at) ? at[key] : undefined;
  return at;
}

function listenerOf(config: ConfigTree, scheme: "http" | "https"): ConfigValue | undefined {
  return child(config, "dashboard", "listeners", scheme);
}

function isDisabled(listener: ConfigValue | undefined): boolean {
  const enable = child(listener, "enable");
  return enable === false || enable === "false";
}

/** Port of a listener's `bind`, or undefined when it has none. */
function bindPort(listener: ConfigValue | undefined): number | undefined {
  const bind = child(listener, "bind");
  return bind === undefined || bind === null || isConfigTree(bind)
    ? undefined
    : computeBindPort(String(bind));
}

/** `ssl_options.certfile` and `keyfile` of the https dashboard listener, as written in the config. */
export function dashboardCertFiles(config: ConfigTree): { certfile?: string; keyfile?: string } {
  const ssl = child(listenerOf(config, "https"), "ssl_options");
  const text = (v: ConfigValue | undefined) => (typeof v === "string" && v !== "" ? v : undefined);
  const certfile = text(child(ssl, "certfile"));
  const keyfile = text(child(ssl, "keyfile"));
  return { ...(certfile ? { certfile } : {}), ...(keyfile ? { keyfile } : {}) };
}

/** The https dashboard port when the config enables that listener, else undefined. */
export function httpsDashboardPort(config: ConfigTree): number | undefined {
  const https = listenerOf(config, "https");
  const port = bindPort(https);
  return port && !isDisabled(https) ? port : undefined;
}

/** The listeners of one running node: http on `facts.port` unless the config turns it off, https when enabled. */
export function computeDashboardListeners(
  config: ConfigTree,
  facts: PodFacts,
  tls: DashboardTls | undefined,
): DashboardListenerSpec[] {
  const base = { podKey: facts.podKey, uid: facts.uid, nodeName: facts.nodeName, ip: facts.ip };
  const specs: DashboardListenerSpec[] = [];
  const http = listenerOf(config, "http");
  if (facts.port > 0 && !isDisabled(http) && bindPort(http) !== 0) {
    specs.push({ ...base, port: facts.port, scheme: "http" });
  }
  const httpsPort = httpsDashboardPort(config);
  if (httpsPort && tls) specs.push({ ...base, port: httpsPort, scheme: "https", tls });
  return specs;
}

/**
 * The Secret key a file path of the pod's EMQX container is read from: the deepest mount that holds `path`,
 * whose volume is a Secret, with the volume's `items` mapping (or the file name as the key when there is none).
 * Undefined when the file does not come from a Secret (a ConfigMap, an emptyDir, the image itself).
 */
export function secretFileOf(pod: V1Pod, path: string): SecretFileRef | undefined {
  const containers = pod.spec?.containers ?? [];
  const container = containers.find((c) => c.name === "emqx") ?? containers[0];
  const mounts = (container?.volumeMounts ?? [])
    .map((m) => ({ ...m, dir: m.mountPath.replace(/\/+$/, "") }))
    .filter((m) => path.startsWith(`${m.dir}/`) || (path === m.dir && m.subPath))
    .sort((a, b) => b.dir.length - a.dir.length);
  const mount = mounts[0];
  if (!mount) return undefined;
  const secret = pod.spec?.volumes?.find((v) => v.name === mount.name)?.secret;
  if (!secret?.secretName) return undefined;
  const relative = [mount.subPath, path.slice(mount.dir.length + 1)].filter(Boolean).join("/");
  if (!relative) return undefined;
  const item = secret.items?.find((i) => i.path === relative);
  if (secret.items && !item) return undefined;
  return { secretName: secret.secretName, key: item?.key ?? relative };
}
