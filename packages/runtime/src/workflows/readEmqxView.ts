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
  type AvailabilityCheck,
  computeApiCandidates,
  computeApiReads,
  dashboardCaSource,
  dashboardScheme,
  dashboardServerNames,
  type EmqxView,
  globalStatusBusy,
  HoconError,
  mustCheckAvailability,
  type Observed,
} from "@emqx-reconciler/core";
import type { EmqxApi, EmqxApiOpener, EmqxApiTarget, EmqxReadApi, Logger } from "../ports.ts";
import { asEmqxObject, crRef } from "./readObserved.ts";

/**
 * How long one pass waits for the EMQX API's answers, all reads together. A hung API (each request would wait out
 * its own 10 s deadline, per core endpoint) then costs a pass this much, not 10–20 s: the reads are abandoned, the
 * view is a `timeout` error, and `plan` goes ahead from the last known node lists with every change that needs no
 * API answer (a replicant scale, the start of an image change).
 */
export const API_READ_BUDGET_MS = 3_000;

const OVER_BUDGET = Symbol("over budget");

/** `work`, or {@link OVER_BUDGET} once `ms` passed; a late rejection of `work` is swallowed. */
function withinBudget<T>(work: Promise<T>, ms: number): Promise<T | typeof OVER_BUDGET> {
  let timer: NodeJS.Timeout | undefined;
  const over = new Promise<typeof OVER_BUDGET>((resolve) => {
    timer = setTimeout(() => resolve(OVER_BUDGET), ms);
    timer.unref?.();
  });
  work.catch(() => undefined);
  return Promise.race([work, over]).finally(() => clearTimeout(timer));
}

/** The view, and the client that produced it (the plan's EMQX writes go through the same one). */
export interface EmqxSession<A extends EmqxReadApi = EmqxApi> {
  emqxView: EmqxView;
  emqxClient?: A;
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

function failed(kind: ApiErrorKind, message: string): { emqxView: EmqxView } {
  return { emqxView: { state: "error", kind, message } };
}

async function optionalReads(
  api: EmqxReadApi,
  cr: KubeObject,
  observed: Observed,
  nodes: ApiNode[],
  logger: Logger,
): Promise<Extract<EmqxView, { state: "ok" }>> {
  const reads = computeApiReads(asEmqxObject(cr), observed, nodes);
  const global = reads.evacuations
    ? api.globalStatus().catch((error: unknown) => {
        if (!(error instanceof EmqxApiError)) throw error;
        logger.warn("Failed to get node evacuation statuses", { ...crRef(cr), error: error.message });
        return undefined;
      })
    : Promise.resolve(undefined);
  const evacuations = global.then((s) => s?.evacuations as NodeEvacuationStatus[] | undefined);
  const ask = async (c: AvailabilityCheck) =>
    [c.podUID, await api.availabilityCheck(c.podIP, c.podName)] as const;
  // Pods not serving yet are asked at once; serving ones only once global_status says something is running.
  const opening = Promise.all(reads.availabilityChecks.filter((c) => !c.serving).map(ask));
  const serving = global.then((status) =>
    Promise.all(
      reads.availabilityChecks
        .filter((c) => c.serving && mustCheckAvailability(c, globalStatusBusy(status)))
        .map(ask),
    ),
  );
  const checks = Promise.all([opening, serving]).then((lists) => lists.flat());
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

/** What an https dashboard's certificate is verified with, or why the CR's annotation cannot say. */
function trustOf(cr: KubeObject): NonNullable<EmqxApiTarget["tls"]> | { invalid: string } {
  const emqx = asEmqxObject(cr);
  const caSource = dashboardCaSource(emqx);
  if (caSource && "invalid" in caSource) return caSource;
  return { ...(caSource ? { caSource } : {}), serverNames: dashboardServerNames(emqx) };
}

/**
 * Asks the EMQX API of `cr` what `plan` needs. No ready core pod → `unreachable-no-ready-core` (nothing is
 * called). All reads share one budget ({@link API_READ_BUDGET_MS}), after which the pass goes on from the last
 * known view. The credential is the `emqx-operator-controller` line of `<name>-bootstrap-api-key`; scheme and port
 * come from the CR's own `config.data`; an https-only dashboard is verified with the CA the CR trusts (annotation
 * `apps.emqx.io/dashboard-ca-secret`, else `ca.crt` of the certificate's Secret). Transport, auth, certificate and
 * schema failures become an `error` view; anything else
 * (a Kubernetes failure reading the credential) is thrown for the caller to classify.
 */
export async function readEmqxView<A extends EmqxReadApi = EmqxApi>(
  factory: EmqxApiOpener<A>,
  cr: KubeObject,
  observed: Observed,
  logger: Logger,
  budgetMs: number = API_READ_BUDGET_MS,
): Promise<EmqxSession<A>> {
  const cores = computeApiCandidates(observed);
  if (cores.length === 0) return { emqxView: { state: "unreachable-no-ready-core" } };
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
  const tls = listener.scheme === "https" ? trustOf(cr) : undefined;
  if (tls && "invalid" in tls) return failed("untrusted-certificate", `no trusted CA: ${tls.invalid}`);
  const target: EmqxApiTarget = {
    namespace,
    name,
    listener,
    cores,
    ...(tls ? { tls } : {}),
    ...(credentialVersion ? { credentialVersion } : {}),
  };
  let emqxClient: A | undefined;
  try {
    emqxClient = await factory.open(target);
  } catch (error) {
    // The CA bundle the CR names cannot be read: nothing would verify, so nothing is asked.
    if (error instanceof EmqxApiError) return failed(apiErrorKind(error), error.message);
    // A bootstrap Secret without the controller's line: the operator's "does not contain the bootstrap_api_key".
    if (!isKubeError(error, KubeErrorKind.Terminal)) throw error;
    return failed("unauthorized", error.message);
  }
  if (!emqxClient) {
    const secret = childNames(name).bootstrapApiKey;
    return { ...failed("unauthorized", `Secret ${secret} does not exist`), missingCredential: true };
  }
  const client = emqxClient;
  const reads = async () =>
    optionalReads(client, cr, observed, (await client.listNodes()) as ApiNode[], logger);
  try {
    const emqxView = await withinBudget(reads(), budgetMs);
    if (emqxView === OVER_BUDGET) {
      return { ...failed("timeout", `no answer within the pass's ${budgetMs} ms read budget`), emqxClient };
    }
    return { emqxView, emqxClient };
  } catch (error) {
    if (!(error instanceof EmqxApiError)) throw error;
    if (error.kind === "unauthorized" || error.kind === "untrusted-certificate")
      factory.forget?.(namespace, name);
    return { ...failed(apiErrorKind(error), error.message), emqxClient };
  }
}
