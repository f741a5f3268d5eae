/** `emqx-reconciler plan -f cr.yaml`: the children of an EMQX CR, offline, as YAML or JSON. */
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

Options:
  -f, --file <path>     the CR to plan ('-' reads stdin)
  -o, --output <fmt>    yaml (a multi-document stream; default) or json (one array)

Example:
  emqx-reconciler plan -f examples/emqx-core-replicant.yaml`,
  options: {
    file: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
  },
  async run(args) {
    const file = args.values.file;
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
