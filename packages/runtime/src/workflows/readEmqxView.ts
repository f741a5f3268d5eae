/**
 * What the EMQX API says about one CR, as core's `EmqxView`: `/api/v5/nodes` first, then only the reads
 * `computeApiReads` asks for. A failed read becomes an `error` view (never an empty node list), so `plan` keeps
 * the last good node lists and says why in a condition (emqx-operator #1025).
 */
import { EmqxApiError, isKubeError, KubeErrorKind, type KubeObject } from "@emqx-reconciler/adapters";
import type { NodeEvacuationStatus } from "@emqx-reconciler/api";
import { childNames } from "@emqx-reconciler/api";
import {
  type ApiErrorKind,
  type ApiNode,
  type Availability,
  computeApiCandidates,
  computeApiReads,
  dashboardScheme,
  type EmqxView,
  HoconError,
  type Observed,
} from "@emqx-reconciler/core";
import type { EmqxApi, EmqxApiOpener, EmqxReadApi, Logger } from "../ports.ts";
import { asEmqxObject, crRef } from "./readObserved.ts";

/** The view, and the client that produced it (the plan's EMQX writes go through the same one). */
export interface EmqxSession<A extends EmqxReadApi = EmqxApi> {
  view: EmqxView;
  api?: A;
  /** `<name>-bootstrap-api-key` does not exist, so there was no credential to ask with. */
  missingCredential?: true;
}

function configData(cr: KubeObject): string {
  const spec = cr.spec as { config?: { data?: unknown } } | undefined;
  return typeof spec?.config?.data === "string" ? spec.config.data : "";
}

/** Maps a client failure to the view's kinds (`rejected` is an answer we cannot use: a bad response). */
export function apiErrorKind(error: EmqxApiError): ApiErrorKind {
  return error.kind === "rejected" ? "bad-response" : error.kind;
}

function failed(kind: ApiErrorKind, message: string): { view: EmqxView } {
  return { view: { state: "error", kind, message } };
}

async function optionalReads(
  api: EmqxReadApi,
  cr: KubeObject,
  observed: Observed,
  nodes: ApiNode[],
  logger: Logger,
): Promise<Extract<EmqxView, { state: "ok" }>> {
  const reads = computeApiReads(asEmqxObject(cr), observed, nodes);
  const evacuations = reads.evacuations
    ? api.globalStatus().then(
        (s) => s.evacuations as NodeEvacuationStatus[],
        (error: unknown) => {
          if (!(error instanceof EmqxApiError)) throw error;
          logger.warn("Failed to get node evacuation statuses", { ...crRef(cr), error: error.message });
          return undefined;
        },
      )
    : undefined;
  const checks = Promise.all(
    reads.availabilityChecks.map(
      async (c) => [c.podUID, await api.availabilityCheck(c.podIP, c.podName)] as const,
    ),
  );
  const [liveConfig, evacuationList, availability] = await Promise.all([
    reads.liveConfig ? api.getConfigs() : undefined,
    evacuations,
    checks,
  ]);
  return {
    state: "ok",
    nodes,
    ...(liveConfig !== undefined ? { liveConfig } : {}),
    ...(evacuationList !== undefined ? { evacuations: evacuationList } : {}),
    ...(availability.length > 0
      ? { availability: Object.fromEntries(availability) as Record<string, Availability> }
      : {}),
  };
}

/**
 * Asks the EMQX API of `cr` what `plan` needs. No ready core pod → `unreachable-no-ready-core` (nothing is
 * called). The credential is the `emqx-operator-controller` line of `<name>-bootstrap-api-key`; scheme and port
 * come from the CR's own `config.data`. Transport, auth and schema failures become an `error` view; anything else
 * (a Kubernetes failure reading the credential) is thrown for the caller to classify.
 */
export async function readEmqxView<A extends EmqxReadApi = EmqxApi>(
  factory: EmqxApiOpener<A>,
  cr: KubeObject,
  observed: Observed,
  logger: Logger,
): Promise<EmqxSession<A>> {
  const cores = computeApiCandidates(observed);
  if (cores.length === 0) return { view: { state: "unreachable-no-ready-core" } };
  let listener: ReturnType<typeof dashboardScheme>;
  try {
    listener = dashboardScheme(configData(cr));
  } catch (error) {
    if (!(error instanceof HoconError)) throw error;
    return failed("bad-response", "not asked: spec.config.data is not valid HOCON");
  }
  if (!listener)
    return failed("unavailable", "spec.config.data disables both dashboard listeners (http and https)");
  const { namespace, name } = crRef(cr);
  const credentialVersion = observed.secrets.find(
    (s) => s.name === childNames(name).bootstrapApiKey,
  )?.resourceVersion;
  const target = { namespace, name, listener, cores, ...(credentialVersion ? { credentialVersion } : {}) };
  let api: A | undefined;
  try {
    api = await factory.open(target);
  } catch (error) {
    // A bootstrap Secret without the controller's line: the operator's "does not contain the bootstrap_api_key".
    if (!isKubeError(error, KubeErrorKind.Terminal)) throw error;
    return failed("unauthorized", error.message);
  }
  if (!api) {
    const secret = childNames(name).bootstrapApiKey;
    return { ...failed("unauthorized", `Secret ${secret} does not exist`), missingCredential: true };
  }
  try {
    const nodes = (await api.listNodes()) as ApiNode[];
    return { view: await optionalReads(api, cr, observed, nodes, logger), api };
  } catch (error) {
    if (!(error instanceof EmqxApiError)) throw error;
    if (error.kind === "unauthorized") factory.forget?.(namespace, name);
    return { ...failed(apiErrorKind(error), error.message), api };
  }
}
