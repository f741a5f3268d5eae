/** `emqx-reconciler crd`: prints the CustomResourceDefinition, generated from the schemas of `@emqx-reconciler/api`. */
import { renderCrdYaml } from "@emqx-reconciler/api";
import type { Command } from "../command.ts";

const crd: Command = {
  name: "crd",
  summary: "Print the EMQX CustomResourceDefinition (apps.emqx.io/v2beta1) as YAML",
  usage: `Usage: emqx-reconciler crd

Prints the emqxes.apps.emqx.io CustomResourceDefinition, generated from the reconciler's schemas.

Example:
  emqx-reconciler crd | kubectl apply --server-side -f -`,
  options: {},
  async run() {
    process.stdout.write(renderCrdYaml());
    return 0;
  },
};

export default crd;
