/** `emqx-reconciler crd`: prints the CustomResourceDefinition, generated from the schemas of `@emqx-reconciler/api`. */
import { renderCrdYaml } from "@emqx-reconciler/api";
import type { Command } from "../command.ts";

const crd: Command = {
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
