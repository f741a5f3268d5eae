/**
 * `emqx-reconciler plan -f cr.yaml`: the children of an EMQX CR, offline, as YAML or JSON; with `--live`, what a
 * reconcile would change on a live cluster now.
 */
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { CliError, type Command } from "../command.ts";
import { GENERATED_PLACEHOLDER, planFromYaml } from "../offlinePlan.ts";

const FORMATS = ["yaml", "json"] as const;

function readInput(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new CliError(`plan: cannot read ${file}: ${reason}`, { cause: error });
  }
}

const plan: Command = {
  usage: `Usage: emqx-reconciler plan -f <cr.yaml|-> [-o yaml|json]
       emqx-reconciler plan --live (-f <cr.yaml|-> | --name <ns>/<name>) [--kubeconfig p] [--context c]
                            [--sandbox [name]] [-o json]

Reads one EMQX custom resource (apps.emqx.io/v2beta1) from a file (or stdin with -f -), validates it as the
reconciler does (schema, defaults, stricter limits, HOCON of config.data) and prints the children it converges to,
in a stable order: the bootstrap-api-key and node-cookie Secrets, the ConfigMap, the headless Service, the core
StatefulSet, the replicant ReplicaSet, the PodDisruptionBudgets, the dashboard and listeners Services.

This is the steady state. A real first reconcile creates the replicant ReplicaSet and the dashboard and listeners
Services only once the core nodes are ready, and takes Service ports from the running cluster's config; here they
come from the CR's config.data, and the listeners Service selects replicants when there are any.
The API-key password and (unless config.data sets node.cookie) the node cookie are random, made once at creation:
they print as '${GENERATED_PLACEHOLDER}'.

An invalid CR exits 1 with one line per problem, naming the field (or the line of config.data) and the rule.

With --live, one reconcile pass is planned against a live cluster, exactly as the reconciler would run it now
(the same reads of the CR's children and of its EMQX API), and each object it would apply is sent as a
server-side dry run (dryRun=All: defaulted, admitted, validated, never stored) and compared field by field with
the live object. It prints one block per object (+ create, ~ update or scale, - delete) with the field paths that
would change, the EMQX API requests, and the status fields. Nothing is written: only a read-only view of the
cluster and of the EMQX API is built. Secret values are never printed. With -f, the file's spec is planned
against the stored CR's status and children (a CR not stored yet lists everything as created).
Exit code: 0 when converged (a reconcile now writes nothing), 2 when changes are pending, 1 on error.

Options:
  -f, --file <path>     the CR to plan ('-' reads stdin)
  -o, --output <fmt>    yaml (a multi-document stream; default) or json (one array; with --live, the report)
  --live                plan against the live cluster instead of offline
  --name <ns>/<name>    with --live: plan the stored CR
  --kubeconfig <path>   kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --context <name>      kubeconfig context (default: the current one)
  --sandbox [name]      use the running sandbox (default "default")

Examples:
  emqx-reconciler plan -f examples/emqx-core-replicant.yaml
  emqx-reconciler plan --live --sandbox --name default/emqx`,
  options: {
    file: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
    live: { type: "boolean" },
    name: { type: "string" },
    kubeconfig: { type: "string" },
    context: { type: "string" },
    sandbox: { type: "boolean" },
  },
  allowPositionals: true,
  async run(args) {
    const file = args.values.file;
    if (args.values.live === true) {
      const { runLivePlan } = await import("../livePlan.ts");
      const text = typeof file === "string" ? readInput(file) : undefined;
      return runLivePlan(args, text, typeof file === "string" ? file : "");
    }
    if (args.positionals.length > 0)
      throw new CliError(`plan: unexpected argument '${args.positionals[0]}'`, { exitCode: 2 });
    if (typeof file !== "string") throw new CliError("plan: -f <cr.yaml> is required", { exitCode: 2 });
    const format = args.values.output ?? "yaml";
    if (!FORMATS.includes(format as (typeof FORMATS)[number]))
      throw new CliError(`plan: -o must be yaml or json, got '${String(format)}'`, { exitCode: 2 });
    const result = planFromYaml(readInput(file));
    if (!result.ok) {
      for (const problem of result.problems)
        process.stderr.write(`${file === "-" ? "<stdin>" : file}: ${problem}\n`);
      return 1;
    }
    process.stdout.write(
      format === "json"
        ? `${JSON.stringify(result.children, null, 2)}\n`
        : result.children
            .map((child) => stringify(child, { lineWidth: 0, aliasDuplicateObjects: false }))
            .join("---\n"),
    );
    return 0;
  },
};

export default plan;
