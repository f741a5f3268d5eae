/** `emqx-reconciler status`: every EMQX CR of every cluster asked for, as one table (or JSON / YAML). */
import {
  KubeGateway,
  type KubeGatewayOptions,
  loadKubeconfigFile,
  readKubeconfigFile,
} from "@emqx-reconciler/adapters";
import { stringify } from "yaml";
import { CliError, type Command, type CommandArgs } from "../command.ts";
import { type FleetError, type FleetRow, filterRows, fleetRow, renderFleetTable } from "../fleetStatus.ts";
import { resolveKubeConfig } from "../kubeTarget.ts";

const FORMATS = ["table", "json", "yaml"] as const;
const DEFAULT_INTERVAL_SECONDS = 5;
const DEFAULT_TIMEOUT_SECONDS = 10;

/** A cluster to list: its name in the table, and how to connect (a kubeconfig context, or a registry entry). */
interface Cluster {
  name: string;
  connect: () => Promise<KubeGatewayOptions>;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Every cluster of `--registry` (reached as the functions reach them: kubeconfig secret or EKS token, with the
 * entry's namespaces and rate limit). The AWS pieces are loaded only here.
 */
async function registryClusters(location: string): Promise<Cluster[]> {
  const { clusterConnection, defaultRegistryClients, readRegistryAt } = await import(
    "@emqx-reconciler/adapters/aws"
  );
  const clients = defaultRegistryClients();
  try {
    const entries = await readRegistryAt(location, clients);
    return entries.map((entry) => ({ name: entry.id, connect: () => clusterConnection(entry, clients) }));
  } catch (error) {
    throw new CliError(`status: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Every cluster of `--registry`, or every context of `--kubeconfig` (or the one `--context` names), the sandbox, or
 * the default context.
 */
async function clustersOf(args: CommandArgs): Promise<Cluster[]> {
  const registry = text(args.values.registry);
  const path = text(args.values.kubeconfig);
  if (registry && (path || args.values.sandbox === true || text(args.values.context)))
    throw new CliError("status: --registry cannot be combined with --kubeconfig, --context or --sandbox", {
      exitCode: 2,
    });
  if (registry) return registryClusters(registry);
  if (path && args.values.sandbox !== true && !text(args.values.context)) {
    try {
      const contexts = [...readKubeconfigFile(path).contexts.keys()].sort();
      return contexts.map((name) => {
        const kubeConfig = loadKubeconfigFile(path, name);
        return { name, connect: async () => ({ kubeConfig }) };
      });
    } catch (error) {
      throw new CliError(`status: ${(error as Error).message}`, { cause: error });
    }
  }
  const resolved = await resolveKubeConfig(args, "status");
  return [{ name: resolved.cluster, connect: async () => ({ kubeConfig: resolved.kubeConfig }) }];
}

/**
 * One list request per cluster (per served namespace of a registry entry), all at once, each request bounded by
 * `timeoutMs`; a cluster that fails or hangs is reported, not fatal, and does not hold up the others.
 */
async function readFleet(
  clusters: readonly Cluster[],
  timeoutMs: number,
): Promise<{ rows: FleetRow[]; errors: FleetError[] }> {
  const results = await Promise.all(
    clusters.map(async (c) => {
      let gateway: KubeGateway | undefined;
      try {
        gateway = new KubeGateway({ ...(await c.connect()), requestTimeoutMs: timeoutMs });
        const list = await gateway.listEmqx();
        return { rows: list.items.map((cr) => fleetRow(c.name, cr as never)) };
      } catch (error) {
        return { error: { cluster: c.name, error: (error as Error).message } };
      } finally {
        await gateway?.close();
      }
    }),
  );
  return {
    rows: results.flatMap((r) => r.rows ?? []),
    errors: results.flatMap((r) => (r.error ? [r.error] : [])),
  };
}

function render(format: string, rows: FleetRow[], errors: FleetError[]): string {
  if (format === "json") return `${JSON.stringify({ items: rows, errors }, null, 2)}\n`;
  if (format === "yaml") return stringify({ items: rows, errors }, { lineWidth: 0 });
  return renderFleetTable(rows, errors, process.stdout.columns ?? 200);
}

const status: Command = {
  usage: `Usage: emqx-reconciler status [--kubeconfig p] [--context c] [--sandbox [name]] [--registry r]
                              [--namespace ns] [--not-ready] [-o table|json|yaml] [--watch] [--interval s]
                              [--timeout s]

One line per EMQX CR of every cluster asked for: every cluster of the AWS functions' registry (--registry), every
context of --kubeconfig (or only --context), the sandbox, or the current context of the default kubeconfig. Columns: cluster (the context name), namespace/name, phase
(what kubectl get emqx shows), cores and replicants ready/desired, EMQX version, core revision, the newest
condition transition, and why it is not Ready (PodsNotReady, ReconcileFailed, InvalidSpec, TemplateDrift,
NodeStatusStale, with their message). Read from .status alone: one list request per cluster. A cluster that
cannot be read, or does not answer within --timeout, is named under the table and holds up no other. Exits 1
when any cluster could not be read, 0 otherwise.

Options:
  --kubeconfig <path>   kubeconfig file; every context in it unless --context is given
  --context <name>      one context (of --kubeconfig, or of the default kubeconfig)
  --sandbox [name]      the running sandbox (default "default")
  --registry <where>    the cluster registry of the AWS deployment: ssm:<parameter>, secretsmanager:<secret id>
                        or a file with the same JSON; each cluster is reached as the functions reach it (its
                        kubeconfig secret or an EKS token, its namespaces), with the default AWS credentials
  --namespace <ns>      only CRs of this namespace
  --not-ready           only CRs that are not Ready
  -o, --output <fmt>    table (default), json or yaml ({ items, errors })
  --watch               print again every --interval seconds until Ctrl-C
  --interval <s>        seconds between two prints with --watch (default ${DEFAULT_INTERVAL_SECONDS})
  --timeout <s>         longest wait for one request to a cluster (default ${DEFAULT_TIMEOUT_SECONDS})

Examples:
  emqx-reconciler status --kubeconfig ~/.kube/fleet.yaml --not-ready
  emqx-reconciler status --sandbox -o json
  emqx-reconciler status --registry ssm:/emqx-reconciler/prod/clusters --not-ready`,
  options: {
    kubeconfig: { type: "string" },
    context: { type: "string" },
    sandbox: { type: "boolean" },
    namespace: { type: "string" },
    "not-ready": { type: "boolean" },
    output: { type: "string", short: "o" },
    watch: { type: "boolean" },
    interval: { type: "string" },
    registry: { type: "string" },
    timeout: { type: "string" },
  },
  allowPositionals: true,
  async run(args) {
    const format = text(args.values.output) ?? "table";
    if (!FORMATS.includes(format as (typeof FORMATS)[number]))
      throw new CliError(`status: -o must be table, json or yaml, got '${format}'`, { exitCode: 2 });
    const interval = Number(text(args.values.interval) ?? DEFAULT_INTERVAL_SECONDS);
    if (!(interval >= 1 && interval <= 3600))
      throw new CliError(`status: --interval must be 1…3600 seconds, got '${args.values.interval}'`, {
        exitCode: 2,
      });
    const timeout = Number(text(args.values.timeout) ?? DEFAULT_TIMEOUT_SECONDS);
    if (!(timeout > 0 && timeout <= 600))
      throw new CliError(
        `status: --timeout must be more than 0 and at most 600 seconds, got '${args.values.timeout}'`,
        {
          exitCode: 2,
        },
      );
    const clusters = await clustersOf(args);
    const filter = {
      ...(text(args.values.namespace) ? { namespace: text(args.values.namespace) } : {}),
      notReady: args.values["not-ready"] === true,
    };
    for (;;) {
      const fleet = await readFleet(clusters, timeout * 1000);
      const page = render(format, filterRows(fleet.rows, filter), fleet.errors);
      const clear =
        args.values.watch === true && format === "table" && process.stdout.isTTY ? "\x1b[2J\x1b[H" : "";
      process.stdout.write(clear + page);
      if (args.values.watch !== true) return fleet.errors.length > 0 ? 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    }
  },
};

export default status;
