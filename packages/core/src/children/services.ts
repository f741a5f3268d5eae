import {
  childNames,
  defaultLabels,
  type Emqx,
  mergeKeepFirst,
  roleLabels,
  type ServiceTemplate,
} from "@emqx-reconciler/api";
import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import { dashboardServicePorts, listenerServicePorts } from "../hocon/index.ts";
import { serviceConfig } from "./config.ts";
import { childMeta, crLabels } from "./meta.ts";
import { mergeServicePorts } from "./ports.ts";

/**
 * `<name>-headless`: the DNS SRV records core nodes discover each other through; it selects core
 * pods (no hash, so every core set), including unready ones.
 */
export function buildHeadlessService(emqx: Emqx): V1Service {
  const name = emqx.metadata.name;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMeta(emqx, childNames(name).headless, crLabels(emqx, defaultLabels(name))),
    spec: {
      type: "ClusterIP",
      clusterIP: "None",
      sessionAffinity: "None",
      publishNotReadyAddresses: true,
      selector: roleLabels(name, "core"),
      ports: [
        { name: "erlang-dist", port: 4370, protocol: "TCP", targetPort: 4370 },
        { name: "gen-rpc", port: 5369, protocol: "TCP", targetPort: 5369 },
      ],
    },
  };
}

/** Options of the dashboard and listeners Services. */
export interface ExposedServiceOptions {
  /**
   * HOCON text the ports derive from. The operator uses the LIVE cluster config (`GET /api/v5/configs`,
   * `text/plain`), so listeners added through the Dashboard or API are exposed too; the workflow passes it when it
   * has it. Without it, `emqx.conf` as we write it (default listeners header + `config.data`) is used.
   */
  readonly liveConfig?: string;
}

/**
 * Template spec copied, ports merged (template first), selector forced. Undefined when the template is disabled
 * or the config derives no port at all: the operator checks the derived ports, not the merged ones, so a
 * template's own ports never keep the Service alive.
 */
function buildExposedService(
  emqx: Emqx,
  serviceName: string,
  template: ServiceTemplate | undefined,
  derived: V1ServicePort[],
  selector: Record<string, string>,
): V1Service | undefined {
  if (template?.enabled === false || derived.length === 0) return undefined;
  const spec = structuredClone(template?.spec ?? {});
  const ports = mergeServicePorts(spec.ports, derived);
  const labels = mergeKeepFirst(defaultLabels(emqx.metadata.name), template?.metadata?.labels);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMeta(emqx, serviceName, labels, template?.metadata?.annotations),
    spec: { ...spec, selector, ports },
  };
}

/**
 * `<name>-dashboard`: the dashboard listener ports (`dashboard`, `dashboard-https`) of the config,
 * selecting core pods. Labels are the default labels plus the template's (not the CR's, as operator 2.2.30 does).
 * Undefined when `dashboardServiceTemplate.enabled` is false or the config enables no dashboard listener; the
 * operator then leaves an existing Service in place, a decision for the plan.
 */
export function buildDashboardService(
  emqx: Emqx,
  options: ExposedServiceOptions = {},
): V1Service | undefined {
  const name = emqx.metadata.name;
  return buildExposedService(
    emqx,
    childNames(name).dashboard,
    emqx.spec.dashboardServiceTemplate,
    dashboardServicePorts(serviceConfig(emqx, options.liveConfig)),
    roleLabels(name, "core"),
  );
}

/** Options of the listeners Service. */
export interface ListenersServiceOptions extends ExposedServiceOptions {
  /**
   * Select replicant pods instead of core pods. The operator switches once replicants exist and
   * `status.replicantNodesStatus.readyReplicas > 0`; the plan decides and passes true.
   */
  readonly useReplicantSelector?: boolean;
}

/**
 * `<name>-listeners`: one port per enabled MQTT listener and gateway listener of the config
 * (`quic`, and gateway `udp`/`dtls`, are UDP), falling back to the four default listeners when none is enabled.
 */
export function buildListenersService(
  emqx: Emqx,
  options: ListenersServiceOptions = {},
): V1Service | undefined {
  const name = emqx.metadata.name;
  return buildExposedService(
    emqx,
    childNames(name).listeners,
    emqx.spec.listenersServiceTemplate,
    listenerServicePorts(serviceConfig(emqx, options.liveConfig)),
    roleLabels(name, options.useReplicantSelector ? "replicant" : "core"),
  );
}
