/**
 * Every child of one CR at once, keyed by role, for callers that want the whole converged picture rather than one
 * pass's decisions: the CLI's offline `plan -f` and the golden and fidelity tests. `plan` itself builds children
 * one by one, since a pass holds some back until the cores are ready.
 */
import type { Emqx } from "@emqx-reconciler/api";
import type {
  V1ConfigMap,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from "@kubernetes/client-node";
import { buildConfigMap } from "./configMap.ts";
import { buildCoreSet } from "./coreSet.ts";
import { buildCorePdb, buildReplicantPdb } from "./pdbs.ts";
import { buildReplicantSet } from "./replicantSet.ts";
import { buildBootstrapSecret, buildCookieSecret, type SecretRefValues } from "./secrets.ts";
import { buildDashboardService, buildHeadlessService, buildListenersService } from "./services.ts";

/** What the caller supplies besides the CR: the values random at creation, and what the cluster would say. */
export interface AllChildrenInputs {
  password: string;
  cookie: string;
  refValues?: SecretRefValues;
  /** `GET /api/v5/configs` text; the CR's own `config.data` otherwise. */
  liveConfig?: string;
  useReplicantSelector?: boolean;
}

/** Every child, keyed by role; children the CR does not call for are `undefined`. */
export interface AllChildren {
  bootstrap: V1Secret;
  cookie: V1Secret;
  configMap: V1ConfigMap;
  headless: V1Service;
  core: V1StatefulSet;
  replicant: V1ReplicaSet | undefined;
  corePdb: V1PodDisruptionBudget;
  replicantPdb: V1PodDisruptionBudget | undefined;
  dashboard: V1Service | undefined;
  listeners: V1Service | undefined;
}

/** Builds every child of `emqx` (throws `ChildBuildError` / `HoconError` for input the builders reject). */
export function buildAllChildren(emqx: Emqx, inputs: AllChildrenInputs): AllChildren {
  const { liveConfig, useReplicantSelector } = inputs;
  return {
    bootstrap: buildBootstrapSecret(emqx, { password: inputs.password, refValues: inputs.refValues }),
    cookie: buildCookieSecret(emqx, { randomCookie: inputs.cookie }),
    configMap: buildConfigMap(emqx),
    headless: buildHeadlessService(emqx),
    core: buildCoreSet(emqx),
    replicant: buildReplicantSet(emqx),
    corePdb: buildCorePdb(emqx),
    replicantPdb: buildReplicantPdb(emqx),
    dashboard: buildDashboardService(emqx, { liveConfig }),
    listeners: buildListenersService(emqx, { liveConfig, useReplicantSelector }),
  };
}
