/**
 * The ports the workflows (reconcile, status) depend on: the subset of the Kubernetes gateway they call, how they
 * get an EMQX API client for one CR, where bus events go, and the clock, randomness and logger they may not fetch
 * themselves. The real adapters satisfy these; unit tests may pass in-memory ones at this boundary.
 */
import type { DashboardListener, EmqxApiClient, KubeGateway } from "@emqx-reconciler/adapters";
import type { Limits, PodPolicy, SecretRefPolicy } from "@emqx-reconciler/api";
import type { AutoscaleMemory } from "./workflows/autoscale.ts";
import type { Publisher } from "./workflows/forward/types.ts";
import type { RebalanceCrdMemory } from "./workflows/rebalanceListing.ts";
import type { ScalePort } from "./workflows/scale.ts";

/** The Kubernetes calls the workflows make: `KubeGateway` satisfies it. */
export type KubePort = Pick<
  KubeGateway,
  | "getEmqx"
  | "listEmqx"
  | "list"
  | "listChildren"
  | "listEvents"
  | "getSecret"
  | "readBootstrapCredential"
  | "apply"
  | "createIfAbsent"
  | "delete"
  | "replaceStatus"
  | "patchCrAnnotations"
  | "setReplicas"
  | "patchPodAnnotations"
  | "setFinalizers"
  | "setPodCondition"
  | "recordEvent"
>;

/** The EMQX API calls the workflows make: `EmqxApiClient` satisfies it. */
export type EmqxApi = Pick<
  EmqxApiClient,
  | "listNodes"
  | "getConfigs"
  | "putConfigs"
  | "globalStatus"
  | "availabilityCheck"
  | "startEvacuation"
  | "forceLeave"
  | "getStats"
  | "getMonitorCurrent"
  | "startRebalance"
  | "stopRebalance"
>;

/** The EMQX API reads of a pass, and nothing that changes EMQX: what a read-only caller (`plan --live`) gets. */
export type EmqxReadApi = Pick<EmqxApi, "listNodes" | "getConfigs" | "globalStatus" | "availabilityCheck">;

/** Everything needed to reach one CR's EMQX API. */
export interface EmqxApiTarget {
  namespace: string;
  /** The CR's name (`<name>-bootstrap-api-key`, `<name>-dashboard`). */
  name: string;
  /** Scheme and port of the dashboard listener, from the CR's `config.data`. */
  listener: DashboardListener;
  /** Ready core pods, oldest first (core's `computeApiCandidates`); never empty. */
  cores: ReadonlyArray<{ podName: string; podIP: string }>;
  /**
   * For an https dashboard: where the CA bundle to trust is read from (none: the platform's default roots) and the
   * dashboard Service names the certificate may carry instead of the pod IP (core's `dashboardCaSource`,
   * `dashboardServerNames`).
   */
  tls?: {
    caSource?: { secretName: string; key: string; origin: "annotation" | "certificate-mount" };
    serverNames: readonly string[];
  };
  /**
   * `resourceVersion` of `<name>-bootstrap-api-key` when the caller listed it, so a factory can keep the
   * credential until the Secret changes. Absent: the factory decides how long a credential is trusted.
   */
  credentialVersion?: string;
}

/** Hands out a client of type `A` for one CR's EMQX API. */
export interface EmqxApiOpener<A extends EmqxReadApi> {
  /** The client, or `undefined` when `<name>-bootstrap-api-key` does not exist (yet). */
  open(target: EmqxApiTarget): Promise<A | undefined>;
  /**
   * Forgets what is kept of a CR: its credential (after a 401: the key may have been regenerated, #1268) and its
   * dashboard CA (after a certificate that did not verify).
   */
  forget?(namespace: string, name: string): void;
}

/** Hands out an EMQX API client for one CR, with its credential and endpoint mode. */
export interface EmqxApiFactory extends EmqxApiOpener<EmqxApi> {
  /** The client, or `undefined` when `<name>-bootstrap-api-key` does not exist (yet). */
  open(target: EmqxApiTarget): Promise<EmqxApi | undefined>;
  /** Forgets the cached credential of a CR (after a 401: the key may have been regenerated, #1268). */
  forget?(namespace: string, name: string): void;
}

/**
 * Puts events on the bus (EventBridge PutEvents semantics: ≤ 10 entries, per-entry errors): the forwarder's port,
 * shared, so the embedded bus and the AWS publisher serve every workflow as they are.
 */
export type { Publisher };

/** The clock of a pass. */
export interface Clock {
  now(): Date;
}

/** Fresh random values for the create-only Secrets. */
export interface Random {
  /** 64 chars of `[a-z0-9]`, exactly 10 digits (the operator's sethvargo/go-password call). */
  password(): string;
  /** A node cookie for a CR whose `config.data` sets none (same generator as the operator). */
  cookie(): string;
}

/** Structured fields of a log line. Never put Secret values, API keys or `config.data` here. */
export type LogFields = Record<string, unknown>;

/**
 * The one logger port of every workflow, the forwarder included (Powertools' Logger, the CLI's logger and
 * `console` all fit). `debug` is optional: lines a logger without it would drop anyway.
 */
export interface Logger {
  debug?(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything (the forwarder's default). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What the reconcile workflow needs, for one cluster. */
export interface ReconcileDeps {
  kube: KubePort;
  emqxApi: EmqxApiFactory;
  /** Where status transitions go when a reconcile writes a status that changes phase, counts or revisions. */
  publisher?: Publisher;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Policy limits for spec validation; the api's defaults otherwise. */
  limits?: Partial<Limits>;
  /** The cluster's pod-template policy; `open` (the operator's behaviour) otherwise. */
  podPolicy?: PodPolicy;
  /** Which Secrets `bootstrapAPIKeys[].secretRef` may read; `any` otherwise. */
  secretRefs?: SecretRefPolicy;
}

/** What the status workflow needs, for one cluster. */
export interface StatusDeps {
  kube: KubePort;
  emqxApi: EmqxApiFactory;
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
  limits?: Partial<Limits>;
  /** The cluster's pod-template policy, the reconcile's own (so a refresh keeps its `PodTemplateForbidden`). */
  podPolicy?: PodPolicy;
  /** CRs refreshed at once. @default 8 */
  concurrency?: number;
  /**
   * Whether a reconcile of CR `namespace/name` is queued or running now (embedded: the work queue). The refresh
   * leaves such a CR's gates and status to that pass, which computes the same from fresher facts: two writers of
   * one status refuse each other (409), and the reconcile would then wait a second to run again.
   */
  busy?: (namespace: string, name: string) => boolean;
  /** Runs the connection autoscaler on CRs that opted in; without it, no CR is autoscaled. */
  autoscale?: StatusAutoscale;
  /** Serves `Rebalance` objects (the operator's kind) for the CRs it refreshes; off without it. */
  rebalance?: boolean;
  /** Remembers a missing Rebalance CRD between refreshes (a refresher without the read cache). */
  rebalanceCrd?: RebalanceCrdMemory;
}

/** The autoscaler's own parts: the scale path's Kubernetes calls and the samples kept between refreshes. */
export interface StatusAutoscale {
  scale: ScalePort;
  memory: AutoscaleMemory;
}
