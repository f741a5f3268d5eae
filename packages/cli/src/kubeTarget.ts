/** Which cluster a verb talks to: `--sandbox [name]`, or `--kubeconfig` / `--context`, or kubectl's default. */
import { type KubeTarget, loadDefaultKubeconfig, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { CliError, type CommandArgs } from "./command.ts";

/** A resolved cluster: its kubeconfig, the cluster id it suggests, and how to name it to a human. */
export interface ResolvedKubeConfig {
  kubeConfig: KubeTarget;
  cluster: string;
  title: string;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The kubeconfig to use and the cluster id it suggests: the sandbox's (`--sandbox`, the name as the only
 * positional), a file's (`--kubeconfig`, `--context`), or kubectl's default. Errors start with `verb:`.
 */
export async function resolveKubeConfig(args: CommandArgs, verb: string): Promise<ResolvedKubeConfig> {
  const context = text(args.values.context);
  if (args.values.sandbox === true) {
    if (args.positionals.length > 1)
      throw new CliError(`${verb}: unexpected argument '${args.positionals[1]}'`, { exitCode: 2 });
    const name = args.positionals[0] ?? "default";
    // Loaded only here: the sandbox is a dev tool, and a real cluster does not pay for its imports.
    const { findSandbox } = await import("@emqx-reconciler/sandbox");
    const sandbox = await findSandbox(name);
    if (!sandbox)
      throw new CliError(
        `no sandbox '${name}' is running; start one with 'npx emqx-reconciler sandbox up' (or use npm start)`,
      );
    return {
      kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath),
      cluster: `sandbox-${name}`,
      title: `sandbox '${name}'`,
    };
  }
  if (args.positionals.length > 0)
    throw new CliError(`${verb}: unexpected argument '${args.positionals[0]}'`, { exitCode: 2 });
  const path = text(args.values.kubeconfig);
  try {
    const kubeConfig = path ? loadKubeconfigFile(path, context) : loadDefaultKubeconfig(context);
    const current = kubeConfig.name;
    return { kubeConfig, cluster: current, title: `context '${current}'${path ? ` of ${path}` : ""}` };
  } catch (error) {
    throw new CliError(`${verb}: ${(error as Error).message}`, { cause: error });
  }
}
