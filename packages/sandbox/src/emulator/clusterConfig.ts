/**
 * The emulated cluster's configuration, kept as a config tree read with core's HOCON reader: seeded from the
 * `<name>-configs` ConfigMap over a few EMQX defaults plus the pod's `EMQX_*__*` environment overrides, updated by
 * `PUT /configs`, rendered for `GET /configs`. Merge and replace work per root key as `emqx_conf_cli:load_config` does.
 */
import {
  type ConfigTree,
  type ConfigValue,
  isConfigTree,
  mergeTrees,
  parseConfigText,
  printHocon,
} from "./configTree.ts";

/** Root keys EMQX refuses to change at runtime (`?READONLY_KEYS`). */
export const READONLY_ROOTS = ["cluster", "node", "rpc"] as const;

/** Roots `GET /configs` returns as JSON when no `key` is given (`get_full_config/0`). */
export const JSON_ROOTS = ["dashboard", "alarm", "sys_topics", "sysmon", "log", "broker", "file_transfer"];

const DEFAULTS = `
cluster { name = emqxcl, discovery_strategy = manual }
dashboard {
  listeners.http.bind = 18083
  default_username = "admin"
  default_password = "public"
  token_expired_time = 60m
}
listeners {
  tcp.default.bind = "0.0.0.0:1883"
  ssl.default.bind = "0.0.0.0:8883"
  ws.default.bind = "0.0.0.0:8083"
  wss.default.bind = "0.0.0.0:8084"
}
`;

/** Builds the config a freshly started cluster has. A ConfigMap that does not parse is reported, not fatal. */
export function computeInitialConfig(
  configText: string | undefined,
  env: Readonly<Record<string, string>>,
): { config: ConfigTree; error?: string } {
  let config = parseConfigText(DEFAULTS, "defaults");
  let error: string | undefined;
  if (configText) {
    try {
      config = mergeTrees(config, parseConfigText(configText, "emqx.conf"));
    } catch (e) {
      error = (e as Error).message;
    }
  }
  for (const [name, value] of Object.entries(env)) {
    const m = /^EMQX_([A-Z0-9_]+__[A-Z0-9_]+)$/.exec(name);
    if (!m || m[1]?.startsWith("NODE__")) continue; // node.* is per node (and readonly), not cluster config
    const path = (m[1] as string).toLowerCase().split("__");
    config = mergeTrees(config, nestValue(path, parseEnvValue(value)));
  }
  return error === undefined ? { config } : { config, error };
}

function parseEnvValue(value: string): ConfigValue {
  try {
    return parseConfigText(`v = ${value}`, "env").v ?? value;
  } catch {
    return value;
  }
}

function nestValue(path: readonly string[], value: ConfigValue): ConfigTree {
  return path.reduceRight<ConfigValue>((acc, key) => ({ [key]: acc }), value) as ConfigTree;
}

/** Outcome of `PUT /configs`: the new tree, or the message EMQX would put under `errors`. */
export type ConfigUpdateResult = { ok: true; config: ConfigTree } | { ok: false; errors: unknown };

/** Applies a `PUT /configs` body in `merge` or `replace` mode. */
export function applyConfigUpdate(
  current: ConfigTree,
  text: string,
  mode: "merge" | "replace",
  ignoreReadonly: boolean,
): ConfigUpdateResult {
  let update: ConfigTree;
  try {
    update = parseConfigText(text, "body");
  } catch (e) {
    return { ok: false, errors: { type: "parse_error", reason: (e as Error).message } };
  }
  const readonly = READONLY_ROOTS.filter((k) => k in update);
  if (readonly.length > 0 && !ignoreReadonly) {
    return { ok: false, errors: `Cannot update read-only key '${readonly.join(",")}'.` };
  }
  const next = new Map(Object.entries(current));
  for (const [root, value] of Object.entries(update)) {
    if ((READONLY_ROOTS as readonly string[]).includes(root)) continue;
    const prev = next.get(root);
    next.set(
      root,
      mode === "merge" && isConfigTree(prev) && isConfigTree(value) ? mergeTrees(prev, value) : value,
    );
  }
  return { ok: true, config: Object.fromEntries(next) };
}

/** Hides secrets the way EMQX obfuscates sensitive values. */
function redact(config: ConfigTree): ConfigTree {
  const node = config.node;
  if (!isConfigTree(node) || !("cookie" in node)) return config;
  return { ...config, node: { ...node, cookie: "******" } };
}

/** HOCON text of the whole config or of one root. */
export function renderConfigText(config: ConfigTree, key?: string): string {
  const safe = redact(config);
  const selected = key === undefined ? safe : { [key]: safe[key] ?? {} };
  return `${printHocon(selected)}\n`;
}

/** JSON form: one root when `key` is given, else the fixed set of roots EMQX returns. */
export function renderConfigJson(config: ConfigTree, key?: string): ConfigTree {
  const safe = redact(config);
  const roots = key === undefined ? JSON_ROOTS : [key];
  return Object.fromEntries(roots.filter((r) => r in safe).map((r) => [r, safe[r] as ConfigValue]));
}

/** `cluster.name`, which `/status?format=json` and `/cluster` report. */
export function computeClusterName(config: ConfigTree): string {
  const cluster = config.cluster;
  return isConfigTree(cluster) && typeof cluster.name === "string" ? cluster.name : "emqxcl";
}
