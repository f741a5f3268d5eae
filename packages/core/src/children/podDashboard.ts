import type { V1Container, V1ContainerPort, V1EnvVar, V1Probe, V1ServicePort } from "@kubernetes/client-node";
import { mergeContainerPorts, toContainerPorts } from "./ports.ts";

const HTTP = "dashboard";
const HTTPS = "dashboard-https";
const BIND_ENV: Record<string, string> = {
  [HTTP]: "EMQX_DASHBOARD__LISTENERS__HTTP__BIND",
  [HTTPS]: "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND",
};

/**
 * Container ports: the user's, then the dashboard ports derived from `config.data`, de-duplicated by name and
 * number.
 *
 * Operator 2.2 bug: a user port named `dashboard`/`dashboard-https`, or reusing a dashboard port number,
 * won over the config and the bind variable followed it, so EMQX silently listened where `config.data` did not
 * say. We drop such user ports instead: the dashboard listeners, their variables and the probes always follow the
 * config.
 */
export function withDashboardPorts(
  userPorts: readonly V1ContainerPort[] | undefined,
  dashboardPorts: readonly V1ServicePort[],
): V1ContainerPort[] {
  const derived = toContainerPorts(dashboardPorts);
  const numbers = new Set(derived.map((p) => p.containerPort));
  const kept = (userPorts ?? []).filter(
    (p) => p.name !== HTTP && p.name !== HTTPS && !numbers.has(p.containerPort),
  );
  return mergeContainerPorts(kept, derived);
}

/**
 * The dashboard bind variables, prepended in container-port order as the operator does, so with both listeners
 * the HTTPS variable comes first.
 */
export function dashboardEnv(ports: readonly V1ContainerPort[]): V1EnvVar[] {
  const env: V1EnvVar[] = [];
  for (const port of ports) {
    const name = port.name ? BIND_ENV[port.name] : undefined;
    if (name) env.unshift({ name, value: String(port.containerPort) });
  }
  return env;
}

function retarget(probe: V1Probe | undefined): V1Probe | undefined {
  if (probe?.httpGet?.port !== HTTP) return probe;
  return { ...probe, httpGet: { ...probe.httpGet, port: HTTPS, scheme: "HTTPS" } };
}

/**
 * Operator 2.2 bug: the default probes name the port `dashboard`, which does not exist when only the HTTPS
 * dashboard listener is enabled, so the pods never became Ready. We point such probes at `dashboard-https` with
 * scheme HTTPS (the kubelet does not verify probe certificates, so EMQX's self-signed one works). With no
 * dashboard listener at all nothing is changed: EMQX then has no HTTP API either, and the reconciler cannot manage
 * the cluster.
 */
export function withDashboardProbes(container: V1Container): V1Container {
  const names = new Set((container.ports ?? []).map((p) => p.name));
  if (names.has(HTTP) || !names.has(HTTPS)) return container;
  return {
    ...container,
    livenessProbe: retarget(container.livenessProbe),
    readinessProbe: retarget(container.readinessProbe),
    startupProbe: retarget(container.startupProbe),
  };
}
