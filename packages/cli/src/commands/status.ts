/** `emqx-reconciler status`: every EMQX CR of every cluster asked for, as one table (or JSON / YAML). */
import {
  KubeGateway,
  type KubeTarget,
  loadKubeconfigFile,
  readKubeconfigFile,
} from "@emqx-reconciler/adapters";
import { stringify } from "yaml";
import { CliError, type Command, type CommandArgs } from "../command.ts";
import { type FleetError, type FleetRow, filterRows, fleetRow, renderFleetTable } from "../fleetStatus.ts";
import { resolveKubeConfig } from "../kubeTarget.ts";

const FORMATS = ["table", "json", "yaml"] as const;
const DEFAULT_INTERVAL_SECONDS = 5;

interface Cluster {
  name: string;
  target: KubeTarget;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Every context of `--kubeconfig` (or the one `--context` names), the sandbox, or the default context. */
async function clustersOf(args: CommandArgs): Promise<Cluster[]> {
  const path = text(args.values.kubeconfig);
  if (path && args.values.sandbox !== true && !text(args.values.context)) {
    try {
      const contexts = [...readKubeconfigFile(path).contexts.keys()].sort();
      return contexts.map((name) => ({ name, target: loadKubeconfigFile(path, name) }));
    } catch (error) {
      throw new CliError(`status: ${(error as Error).message}`, { cause: error });
    }
  }
  const resolved = await resolveKubeConfig(args, "status");
  return [{ name: resolved.cluster, target: resolved.kubeConfig }];
}

/** One list request per cluster, all at once; a cluster that fails is reported, not fatal. */
async function readFleet(clusters: readonly Cluster[]): Promise<{ rows: FleetRow[]; errors: FleetError[] }> {
  const results = await Promise.all(
    clusters.map(async (c) => {
      const gateway = new KubeGateway({ kubeConfig: c.target });
      try {
        const list = await gateway.listEmqx();
        return { rows: list.items.map((cr) => fleetRow(c.name, cr as never)) };
      } catch (error) {
        return { error: { cluster: c.name, error: (error as Error).message } };
      } finally {
        await gateway.close();
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
  usage: `Usage: emqx-reconciler status [--kubeconfig p] [--context c] [--sandbox [name]] [--namespace ns]
                              [--not-ready] [-o table|json|yaml] [--watch] [--interval s]

One line per EMQX CR of every cluster asked for: every context of --kubeconfig (or only --context), the sandbox,
or the current context of the default kubeconfig. Columns: cluster (the context name), namespace/name, phase
(what kubectl get emqx shows), cores and replicants ready/desired, EMQX version, core revision, the newest
condition transition, and why it is not Ready (PodsNotReady, ReconcileFailed, InvalidSpec, TemplateDrift,
NodeStatusStale, with their message). Read from .status alone: one list request per cluster. A cluster that
cannot be read is named under the table. Exits 1 when any cluster could not be read, 0 otherwise.

Options:
  --kubeconfig <path>   kubeconfig file; every context in it unless --context is given
  --context <name>      one context (of --kubeconfig, or of the default kubeconfig)
  --sandbox [name]      the running sandbox (default "default")
  --namespace <ns>      only CRs of this namespace
  --not-ready           only CRs that are not Ready
  -o, --output <fmt>    table (default), json or yaml ({ items, errors })
  --watch               print again every --interval seconds until Ctrl-C
  --interval <s>        seconds between two prints with --watch (default ${DEFAULT_INTERVAL_SECONDS})

Examples:
  emqx-reconciler status --kubeconfig ~/.kube/fleet.yaml --not-ready
  emqx-reconciler status --sandbox -o json`,
  options: {
    kubeconfig: { type: "string" },
    context: { type: "string" },
    sandbox: { type: "boolean" },
    namespace: { type: "string" },
    "not-ready": { type: "boolean" },
    output: { type: "string", short: "o" },
    watch: { type: "boolean" },
    interval: { type: "string" },
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
    const clusters = await clustersOf(args);
    const filter = {
      ...(text(args.values.namespace) ? { namespace: text(args.values.namespace) } : {}),
      notReady: args.values["not-ready"] === true,
    };
    for (;;) {
      const fleet = await readFleet(clusters);
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
