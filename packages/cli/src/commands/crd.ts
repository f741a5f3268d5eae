/** `emqx-reconciler crd`: prints a CustomResourceDefinition, generated from the schemas of `@emqx-reconciler/api`. */
import { renderCrdYaml, renderRebalanceCrdYaml } from "@emqx-reconciler/api";
import { CliError, type Command } from "../command.ts";

const crd: Command = {
  usage: `Usage: emqx-reconciler crd [--kind emqx|rebalance]

Prints the emqxes.apps.emqx.io CustomResourceDefinition (or, with --kind rebalance, the operator's
rebalances.apps.emqx.io one), generated from the reconciler's schemas.

Examples:
  emqx-reconciler crd | kubectl apply --server-side -f -
  emqx-reconciler crd --kind rebalance | kubectl apply --server-side -f -`,
  options: { kind: { type: "string" } },
  async run(args) {
    const kind = typeof args.values.kind === "string" ? args.values.kind : "emqx";
    if (kind !== "emqx" && kind !== "rebalance")
      throw new CliError(`crd: --kind must be emqx or rebalance, got '${kind}'`, { exitCode: 2 });
    process.stdout.write(kind === "emqx" ? renderCrdYaml() : renderRebalanceCrdYaml());
    return 0;
  },
};

export default crd;
