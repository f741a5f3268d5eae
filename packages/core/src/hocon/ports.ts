import type { V1ServicePort } from "@kubernetes/client-node";
import { toConf } from "./parse.ts";
import { asString, type ConfigInput, getPath, type HoconObject, type HoconValue, isFalse } from "./values.ts";

/** The dashboard ports the operator derives from a config (`GetDashboardPortMap`). */
export interface DashboardPortMap {
  dashboard?: number;
  "dashboard-https"?: number;
}

/** The operator's listeners when a config yields none. */
const DEFAULT_LISTENER_PORTS: readonly V1ServicePort[] = [
  { name: "tcp-default", protocol: "TCP", port: 1883, targetPort: 1883 },
  { name: "ssl-default", protocol: "TCP", port: 8883, targetPort: 8883 },
  { name: "ws-default", protocol: "TCP", port: 8083, targetPort: 8083 },
  { name: "wss-default", protocol: "TCP", port: 8084, targetPort: 8084 },
];

/**
 * The port of a listener `bind` the way the operator reads it: surrounding quotes trimmed, a bare port, `ip:port`
 * or `[ip]:port`; 0 when there is no parsable port (Go's `net.SplitHostPort` + `strconv.Atoi` yield 0 then) and,
 * unlike the operator, also when the number is outside 1–65535, which no Service could carry.
 *
 * @example computeBindPort("[::]:18083") // 18083
 */
export function computeBindPort(bind: string): number {
  let text = bind.replace(/^"+|"+$/g, "");
  if (!text.includes(":")) text = `:${text}`;
  let port: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close === -1 || text[close + 1] !== ":") return 0;
    port = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon > 0 && text.lastIndexOf(":", colon - 1) !== -1) return 0;
    port = text.slice(colon + 1);
  }
  if (!/^\+?[0-9]{1,5}$/.test(port)) return 0;
  const value = Number.parseInt(port, 10);
  return value <= 65535 ? value : 0;
}

/**
 * The dashboard ports of a config, as the operator computes them: http defaults to 18083 (even when only https is
 * configured), a bind of port 0 removes that entry, https appears only when bound to a non-zero port. Only the
 * binds matter, not `enable`, exactly like the operator.
 */
export function dashboardPortMap(input: ConfigInput): DashboardPortMap {
  const conf = toConf(input);
  const ports: DashboardPortMap = { dashboard: 18083 };
  for (const [name, scheme] of [
    ["dashboard", "http"],
    ["dashboard-https", "https"],
  ] as const) {
    const bind = asString(getPath(conf, ["dashboard", "listeners", scheme, "bind"]))?.replace(/^"+|"+$/g, "");
    if (bind === undefined || bind === "") continue;
    const port = computeBindPort(bind);
    if (port !== 0) ports[name] = port;
    else delete ports[name];
  }
  return ports;
}

/** The dashboard Service ports (`GetDashboardServicePort`), sorted by name; empty means no dashboard Service. */
export function dashboardServicePorts(input: ConfigInput): V1ServicePort[] {
  return Object.entries(dashboardPortMap(input))
    .sort(([a], [b]) => compareNames(a, b))
    .map(([name, port]) => ({ name, protocol: "TCP", port, targetPort: port }));
}

/**
 * How the reconciler reaches a pod's EMQX API: plain http on the dashboard port when that listener exists,
 * otherwise https; undefined when the config disables both. Unlike the operator's port map, a listener with
 * `enable = false` counts as absent here: EMQX does not serve it, so the operator called a closed http port.
 */
export function dashboardScheme(input: ConfigInput): { scheme: "http" | "https"; port: number } | undefined {
  const conf = toConf(input);
  const ports = dashboardPortMap(conf);
  const enabled = (scheme: "http" | "https") =>
    !isFalse(getPath(conf, ["dashboard", "listeners", scheme, "enable"]));
  if (ports.dashboard !== undefined && enabled("http")) return { scheme: "http", port: ports.dashboard };
  if (ports["dashboard-https"] !== undefined && enabled("https"))
    return { scheme: "https", port: ports["dashboard-https"] };
  return undefined;
}

/**
 * The listeners Service ports (`GetListenersServicePorts` plus the caller's sort and fallback): every enabled
 * `listeners.<type>.<name>` as `<type>-<name>` (UDP for `quic`), every listener of an enabled `gateway.<proto>` as
 * `<proto>-<type>-<name>` (UDP for `udp` and `dtls`), sorted by name; the four defaults when there are none.
 *
 * A listener whose bind has no usable port (missing, 0 or unparsable) is left out: the operator emitted it with
 * port 0, which the apiserver rejects for the whole Service.
 */
export function listenerServicePorts(input: ConfigInput): V1ServicePort[] {
  const conf = toConf(input);
  const ports: V1ServicePort[] = [];
  for (const [type, name, listener] of listenersOf(conf.fields.get("listeners"))) {
    addPort(ports, `${type}-${name}`, type === "quic" ? "UDP" : "TCP", listener);
  }
  for (const [proto, gateway] of objectEntries(conf.fields.get("gateway"))) {
    if (isDisabled(gateway)) continue;
    for (const [type, name, listener] of listenersOf(gateway.fields.get("listeners"))) {
      addPort(ports, `${proto}-${type}-${name}`, type === "udp" || type === "dtls" ? "UDP" : "TCP", listener);
    }
  }
  if (ports.length === 0) return DEFAULT_LISTENER_PORTS.map((port) => ({ ...port }));
  return ports.sort((a, b) => compareNames(a.name ?? "", b.name ?? ""));
}

function addPort(ports: V1ServicePort[], name: string, protocol: "TCP" | "UDP", listener: HoconObject): void {
  const port = computeBindPort(asString(listener.fields.get("bind")) ?? "");
  if (port >= 1 && port <= 65535) ports.push({ name, protocol, port, targetPort: port });
}

/** `[type, name, listener]` for every enabled listener object under a `listeners` value. */
function* listenersOf(listeners: HoconValue | undefined): Generator<[string, string, HoconObject]> {
  for (const [type, named] of objectEntries(listeners)) {
    for (const [name, listener] of objectEntries(named)) {
      if (!isDisabled(listener)) yield [type, name, listener];
    }
  }
}

function* objectEntries(value: HoconValue | undefined): Generator<[string, HoconObject]> {
  if (value?.kind !== "object") return;
  for (const [key, child] of value.fields) if (child.kind === "object") yield [key, child];
}

/** `enable` and `enabled` both default to true; either one reading "false" switches the thing off. */
function isDisabled(obj: HoconObject): boolean {
  return isFalse(obj.fields.get("enable")) || isFalse(obj.fields.get("enabled"));
}

/** Byte-wise order, like Go's `sort.Strings`. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
