/** `emqx-reconciler run`: the whole reconcile loop in this process, against one cluster, until Ctrl-C. */
import type { KubeTarget } from "@emqx-reconciler/adapters";
import type { PodPolicy, SecretRefPolicy } from "@emqx-reconciler/api";
import type { EndpointMode, LeaderLeaseTimings } from "@emqx-reconciler/runtime";
import { CliError, type Command, type CommandArgs } from "../command.ts";
import { resolveKubeConfig } from "../kubeTarget.ts";
import { openRunLease } from "../lease.ts";
import type { LogFormat } from "../log.ts";
import { parsePolicyFlags } from "../policyFlags.ts";
import { startReconciler } from "../reconciler.ts";
import { createRunOutput } from "../runOutput.ts";
import { exitIfStillRunningAfter, type StopSignals, watchStopSignals } from "../signals.ts";

/** What {@link serve} runs. */
export interface ServeOptions {
  kubeConfig: KubeTarget;
  cluster: string;
  namespace?: string;
  /** CRs reconciled at once; the reconciler's default otherwise. */
  workers?: number;
  /** How the EMQX API is reached; pod IPs otherwise. */
  emqxEndpoint?: EndpointMode;
  /** A file or `http(s)://` URL that receives every lifecycle event and status transition. */
  eventsTo?: string;
  /** The pod-template policy; `open` otherwise. */
  podPolicy?: PodPolicy;
  /** Which Secrets `bootstrapAPIKeys[].secretRef` may read; `any` otherwise. */
  secretRefs?: SecretRefPolicy;
  format?: LogFormat;
  verbose: boolean;
  /** Says what is being served, at the top of the live table. */
  title: string;
  /**
   * The Lease that keeps this process the only reconciler: `false` for none; by default `emqx-reconciler` in the
   * served namespace, or in `default` when serving all.
   */
  lease?: false | { namespace?: string; timings?: Partial<LeaderLeaseTimings> };
  signals: StopSignals;
}

/**
 * Runs the reconciler until the first stop signal, then stops it (forwarder first, then the queue drained up to
 * its deadline, or at once on a second signal). Resolves with a one-line account of the shutdown.
 */
export async function serve(options: ServeOptions): Promise<string> {
  // A reader that went away (`| head`, a closed `tee`) must not crash us before we have stopped what we started.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  const output = createRunOutput({
    format: options.format,
    verbose: options.verbose,
    stdout: process.stdout,
  });
  const election =
    options.lease === false
      ? undefined
      : openRunLease({
          kubeConfig: options.kubeConfig,
          namespace: options.lease?.namespace ?? options.namespace ?? "default",
          logger: output.logger,
          setStatus: (text) => output.setTitle(`${options.title} · ${text} · Ctrl-C to stop`),
          ...(options.lease?.timings ? { timings: options.lease.timings } : {}),
        });
  if (election) {
    output.setTitle(`${options.title} · taking the Lease · Ctrl-C to stop`);
    try {
      await election.lease.acquire(options.signals.stop);
    } catch (error) {
      await election.close();
      output.close();
      if (options.signals.stop.aborted) return "reconciler stopped while waiting for the Lease";
      throw error;
    }
    output.logger.info("Holding the Lease; reconciling", {
      lease: election.where,
      identity: election.identity,
    });
  }
  output.setTitle(`${options.title} · Ctrl-C to stop`);
  let reconciler: Awaited<ReturnType<typeof startReconciler>>;
  try {
    reconciler = await startReconciler({
      kubeConfig: options.kubeConfig,
      cluster: options.cluster,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
      ...(options.emqxEndpoint ? { emqxEndpoint: options.emqxEndpoint } : {}),
      ...(options.eventsTo ? { eventsTo: options.eventsTo } : {}),
      ...(options.podPolicy ? { podPolicy: options.podPolicy } : {}),
      ...(options.secretRefs ? { secretRefs: options.secretRefs } : {}),
      logger: output.logger.child({ cluster: options.cluster }),
      board: output.board,
    });
  } catch (error) {
    await election?.close();
    output.close();
    throw error;
  }
  const lostTo = await Promise.race([
    options.signals.stopped.then(() => undefined),
    election?.lease.lost ?? new Promise<never>(() => undefined),
  ]);
  if (lostTo !== undefined)
    output.logger.error("Lost the Lease; stopping", { lease: election?.where, holder: lostTo || undefined });
  output.setTitle(`${options.title} · stopping: finishing running reconciles (Ctrl-C again to stop now)`);
  output.logger.info("Stopping", { queued: reconciler.queueDepth() });
  const result = await reconciler.stop(options.signals.force);
  await election?.close();
  output.logger.info("Stopped", {
    drained: result.completed,
    abandoned: result.abandonedKeys.join(",") || undefined,
  });
  output.close();
  if (lostTo !== undefined)
    throw new CliError(`reconciler stopped: another process (${lostTo || "unknown"}) took the Lease`);
  return result.completed
    ? "reconciler stopped: every running reconcile finished"
    : `reconciler stopped without waiting for ${result.abandonedKeys.join(", ")} (they converge on the next run)`;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

const FORMATS = ["json", "text"] as const;

/** `--emqx-endpoint`: `pod-ip`, `service`, or an http(s) base URL used for every CR. */
function parseEndpoint(value: string | undefined): EndpointMode | undefined {
  if (value === undefined || value === "pod-ip" || value === "service") return value;
  if (/^https?:\/\/[^\s/]+/.test(value)) {
    const base = value.replace(/\/+$/, "");
    return { url: () => base };
  }
  throw new CliError(`run: --emqx-endpoint must be pod-ip, service or an http(s) URL, got '${value}'`, {
    exitCode: 2,
  });
}

/** `--no-lease`, `--lease-namespace`, `--lease-seconds` (5…300; renewals every third of it). */
function parseLease(args: CommandArgs): ServeOptions["lease"] {
  if (args.values["no-lease"] === true) return false;
  const namespace = text(args.values["lease-namespace"]);
  const seconds = text(args.values["lease-seconds"]);
  if (seconds !== undefined && !(/^\d{1,3}$/.test(seconds) && Number(seconds) >= 5 && Number(seconds) <= 300))
    throw new CliError(`run: --lease-seconds must be a whole number from 5 to 300, got '${seconds}'`, {
      exitCode: 2,
    });
  const timings = seconds
    ? { leaseDurationMs: Number(seconds) * 1000, renewIntervalMs: (Number(seconds) * 1000) / 3 }
    : undefined;
  return { ...(namespace ? { namespace } : {}), ...(timings ? { timings } : {}) };
}

const run: Command = {
  usage: `Usage: emqx-reconciler run [--kubeconfig path] [--context name] [--sandbox [name]] [--namespace ns]
                           [--log-format json|text] [--cluster-id id] [--workers n]
                           [--emqx-endpoint pod-ip|service|<url>] [--events-to <file|url>]
                           [--lease-namespace ns] [--lease-seconds n] [--no-lease]
                           [--pod-policy open|restricted] [--allow-service-account name]...
                           [--secret-refs annotated|any]

Watches EMQX objects (apps.emqx.io/v2beta1) and their children and reconciles them, all in this process: the
forwarder's hints go through an in-process bus to a keyed work queue, with requeue timers, a periodic resync and
the status refresher. The workflows are the ones the Lambda functions run.

One process reconciles at a time: it holds the coordination.k8s.io Lease 'emqx-reconciler' (in the served
namespace, or in 'default'), renewing it every third of its duration. A second process waits, says so, and takes
over when the first stops (at once) or stops renewing (within the lease duration).

On a terminal it shows a live table (CR, phase, cores and replicants ready/desired, last event, age); otherwise, or
with --log-format json, it writes one JSON log line per event to stdout. Ctrl-C stops cleanly (running reconciles
finish, up to 10 s); Ctrl-C again stops at once.

Options:
  --kubeconfig <path>     kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --context <name>        kubeconfig context (default: the current one)
  --sandbox [name]        use the running sandbox (default "default"); the EMQX API is reached at pod IPs,
                          which the sandbox serves on loopback addresses
  --namespace <ns>        reconcile only this namespace (default: all)
  --log-format <fmt>      json or text (default: the live table on a terminal, json otherwise)
  --cluster-id <id>       cluster id in hints and logs (default: the context name, or sandbox-<name>)
  --workers <n>           CRs reconciled at once, never one CR twice (default 16)
  --emqx-endpoint <mode>  how the EMQX API is reached: pod-ip (default, as the operator: run where pod IPs are
                          routable), service (<name>-dashboard.<ns>.svc, in-cluster DNS), or a base URL such as
                          http://127.0.0.1:18083 (one CR, e.g. through kubectl port-forward)
  --events-to <file|url>  also send every lifecycle event (phase, nodes, revisions, evacuations, scale) and
                          status transition, as its EventBridge envelope: one JSON line appended to a file, or
                          one HTTP POST per event to an http(s):// URL (see docs/autoscaling.md)
  --lease-namespace <ns>  where the Lease lives (default: --namespace, or default)
  --lease-seconds <n>     how long a silent holder keeps the Lease, 5 to 300 (default 15)
  --no-lease              reconcile without the Lease (only when nothing else can reconcile these CRs)
  --pod-policy <mode>     open (default: every pod field the CR says, as the operator) or restricted: refuse CRs
                          asking for privileged containers, added capabilities, host ports, hostPath volumes or
                          a service account other than default, with a PodTemplateForbidden condition and Event
                          (docs/security.md)
  --allow-service-account <name>  a service account a restricted policy allows too; repeat for more
  --secret-refs <which>   Secrets bootstrapAPIKeys[].secretRef may read: any (default, the operator's behaviour)
                          or annotated (only those annotated apps.emqx.io/bootstrap-api-key-for: <cr name>)

Examples:
  emqx-reconciler run --sandbox
  emqx-reconciler run --context kind-dev --namespace emqx --log-format json`,
  options: {
    kubeconfig: { type: "string" },
    context: { type: "string" },
    sandbox: { type: "boolean" },
    namespace: { type: "string", short: "n" },
    "log-format": { type: "string" },
    "cluster-id": { type: "string" },
    workers: { type: "string" },
    "emqx-endpoint": { type: "string" },
    "events-to": { type: "string" },
    "lease-namespace": { type: "string" },
    "lease-seconds": { type: "string" },
    "no-lease": { type: "boolean" },
    "pod-policy": { type: "string" },
    "allow-service-account": { type: "string", multiple: true },
    "secret-refs": { type: "string" },
  },
  allowPositionals: true,
  async run(args) {
    const format = text(args.values["log-format"]);
    if (format !== undefined && !FORMATS.includes(format as LogFormat))
      throw new CliError(`run: --log-format must be json or text, got '${format}'`, { exitCode: 2 });
    const workers = text(args.values.workers);
    if (workers !== undefined && !/^[1-9]\d{0,3}$/.test(workers))
      throw new CliError(`run: --workers must be a whole number from 1 to 9999, got '${workers}'`, {
        exitCode: 2,
      });
    const emqxEndpoint = parseEndpoint(text(args.values["emqx-endpoint"]));
    const lease = parseLease(args);
    const { podPolicy, secretRefs } = parsePolicyFlags(args);
    const target = await resolveKubeConfig(args, "run");
    const signals = watchStopSignals();
    try {
      const summary = await serve({
        kubeConfig: target.kubeConfig,
        cluster: text(args.values["cluster-id"]) ?? target.cluster,
        namespace: text(args.values.namespace),
        ...(workers ? { workers: Number(workers) } : {}),
        ...(emqxEndpoint ? { emqxEndpoint } : {}),
        ...(text(args.values["events-to"]) ? { eventsTo: text(args.values["events-to"]) as string } : {}),
        podPolicy,
        secretRefs,
        format: format as LogFormat | undefined,
        verbose: args.debug,
        title: `emqx-reconciler run · ${target.title}`,
        lease,
        signals,
      });
      console.error(summary);
      return 0;
    } finally {
      signals.dispose();
      exitIfStillRunningAfter(3_000);
    }
  },
};

export default run;
