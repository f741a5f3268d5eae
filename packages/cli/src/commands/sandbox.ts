/**
 * `emqx-reconciler sandbox`: a local Kubernetes control plane (real binaries, kwok nodes) plus the EMQX API
 * emulator, for tests and for trying the reconciler without a cluster.
 */
import { spawn } from "node:child_process";
import {
  ensureBinaries,
  findSandbox,
  type Sandbox,
  SandboxError,
  sandboxStatus,
  startSandbox,
  stopSandbox,
} from "@emqx-reconciler/sandbox";
import { FAULT_USAGE, faultCommand } from "@emqx-reconciler/sandbox/emulator";
import { CliError, type Command, type CommandArgs } from "../command.ts";

const ACTIONS = ["up", "down", "status", "kubeconfig", "build", "kubectl", "fault"] as const;
const MiB = 2 ** 20;

function describe(sandbox: Sandbox, headline: string): string {
  return [
    headline,
    `  apiserver:  ${sandbox.apiserverUrl}`,
    `  kubeconfig: ${sandbox.kubeconfigPath}`,
    ...(sandbox.emulatorAdminUrl ? [`  emulator:   ${sandbox.emulatorAdminUrl} (admin API)`] : []),
    `  try:        kubectl --kubeconfig "$(npx emqx-reconciler sandbox kubeconfig --name ${sandbox.name})" get nodes`,
  ].join("\n");
}

function integer(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new CliError(`--${option}: must be a whole number ≥ 0, got '${value}'`);
  return parsed;
}

async function running(name: string): Promise<Sandbox> {
  const sandbox = await findSandbox(name);
  if (!sandbox)
    throw new CliError(`no sandbox '${name}' is running; start one with 'emqx-reconciler sandbox up'`);
  return sandbox;
}

/** Resolves on the first SIGINT/SIGTERM. */
function untilSignal(onSignal?: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
      onSignal?.();
      resolve(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}

async function up(name: string, args: CommandArgs): Promise<number> {
  const existing = await findSandbox(name);
  if (existing) {
    console.log(describe(existing, `sandbox '${name}' is already running`));
    return 0;
  }
  const abort = new AbortController();
  const interrupted = untilSignal(() => abort.abort(new SandboxError("start interrupted")));
  const sandbox = await startSandbox({
    name,
    nodes: integer(args.values.nodes, "nodes"),
    podStartDelayMs: integer(args.values["pod-start-delay-ms"], "pod-start-delay-ms"),
    emulator: args.values["no-emulator"] !== true,
    signal: abort.signal,
  }).catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
    throw new CliError(`interrupted; stopped what sandbox '${name}' had started`, {
      exitCode: 130,
      cause: error,
    });
  });
  console.log(describe(sandbox, `sandbox '${name}' is running`));
  if (args.values.foreground !== true) return 0;
  console.error("running in the foreground; press Ctrl-C to stop");
  const crashed = await Promise.race([interrupted.then(() => undefined), watchUntilBroken(name)]);
  if (crashed) console.error(`${crashed} exited; stopping sandbox '${name}'`);
  else console.error(`stopping sandbox '${name}'`);
  await sandbox.stop();
  return crashed ? 1 : 0;
}

/** Checks the sandbox's processes every 2 s (which also keeps this process alive); resolves with a dead one's name. */
function watchUntilBroken(name: string): Promise<string> {
  return new Promise((resolve) => {
    const timer = setInterval(async () => {
      const dead = (await sandboxStatus(name))?.processes.find((p) => !p.alive);
      if (dead) {
        clearInterval(timer);
        resolve(dead.name);
      }
    }, 2_000);
  });
}

async function status(name: string): Promise<number> {
  const report = await sandboxStatus(name);
  if (!report) throw new CliError(`no sandbox '${name}'; start one with 'emqx-reconciler sandbox up'`);
  const { state } = report;
  console.log(`sandbox '${name}': ${report.health} since ${state.createdAt} (folder ${state.dir})`);
  console.log(
    `  apiserver ${state.apiserverUrl} · etcd 127.0.0.1:${state.ports.etcdClient} · pod IPs ${state.podCidr}`,
  );
  if (state.emulatorAdminUrl) console.log(`  emulator admin ${state.emulatorAdminUrl}`);
  console.log(
    `  pod start delay ${state.podStartDelayMs}-${state.podStartDelayMs * 3} ms · ${state.nodes} nodes`,
  );
  console.log("\nPROCESS                  PID      ALIVE  RSS");
  for (const p of report.processes) {
    const rss = p.rssBytes === undefined ? "-" : `${Math.round(p.rssBytes / MiB)} MiB`;
    console.log(
      `${p.name.padEnd(24)} ${String(p.pid).padEnd(8)} ${(p.alive ? "yes" : "NO").padEnd(6)} ${rss}`,
    );
  }
  console.log(`${"total".padEnd(24)} ${"".padEnd(15)} ${Math.round(report.totalRssBytes / MiB)} MiB`);
  const sandbox = report.health === "running" ? await findSandbox(name) : undefined;
  if (report.health === "stale")
    console.log(
      `\nA process is gone: 'sandbox down --name ${name}' cleans up, 'sandbox up --name ${name}' replaces it.`,
    );
  if (!sandbox) return report.health === "running" ? 0 : 1;
  const cluster = await sandbox.kubectl(["get", "nodes,pods", "--all-namespaces", "-o", "wide"]);
  console.log(`\n${(cluster.stdout || cluster.stderr).trimEnd()}`);
  return 0;
}

function passThroughKubectl(sandbox: Sandbox, kubectlArgs: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(sandbox.kubectlPath, ["--kubeconfig", sandbox.kubeconfigPath, ...kubectlArgs], {
      stdio: "inherit",
    });
    child.once("error", (error) =>
      reject(new CliError(`could not run kubectl: ${error.message}`, { cause: error })),
    );
    child.once("close", (code) => resolve(code ?? 1));
  });
}

/** `sandbox fault …`: the emulator's fault switches (401, 500, hang, slow, garbage, truncated, node stopped). */
async function fault(sandbox: Sandbox, rest: string[], args: CommandArgs): Promise<number> {
  if (!sandbox.emulatorAdminUrl)
    throw new CliError(`sandbox '${sandbox.name}' runs without the EMQX API emulator`);
  const delay = typeof args.values["delay-ms"] === "string" ? ["--delay-ms", args.values["delay-ms"]] : [];
  try {
    console.log(await faultCommand(sandbox.emulatorAdminUrl, [...rest, ...delay]));
  } catch (error) {
    throw new CliError(`sandbox fault: ${(error as Error).message}`, { exitCode: 2, cause: error });
  }
  return 0;
}

const sandbox: Command = {
  usage: `Usage: emqx-reconciler sandbox <up|down|status|kubeconfig|build|kubectl|fault> [options]

  up          start a sandbox (builds the binaries on first use, ~10 min) and return once it is ready
  down        stop every process of the sandbox and remove its files (logs stay)
  status      processes (pid, alive, memory), ports, nodes and pods
  kubeconfig  print the path of the sandbox's kubeconfig, and nothing else
  build       build (or find cached) etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok
  kubectl     run the sandbox's kubectl with its kubeconfig: sandbox kubectl -- get pods -A
  fault       set, list or clear the EMQX API emulator's fault switches:
              ${FAULT_USAGE.replace(/\n\s*/g, "\n              ")}

Options:
  --name <name>               which sandbox (default "default"); sandboxes with different names run side by side
  --nodes <n>                 kwok nodes to create (up; default 3)
  --pod-start-delay-ms <ms>   each pod starts after ms..3×ms (up; default 1000; 0 = at once)
  --no-emulator               do not run the EMQX API emulator (up)
  --foreground                stay attached and stop the sandbox on Ctrl-C (up)
  --delay-ms <ms>             how long the 'slow' fault delays each answer (fault)

Example:
  emqx-reconciler sandbox up && kubectl --kubeconfig "$(emqx-reconciler sandbox kubeconfig)" get nodes`,
  options: {
    name: { type: "string" },
    nodes: { type: "string" },
    "pod-start-delay-ms": { type: "string" },
    "no-emulator": { type: "boolean" },
    foreground: { type: "boolean" },
    "delay-ms": { type: "string" },
  },
  allowPositionals: true,
  async run(args) {
    const [action, ...rest] = args.positionals;
    const name = typeof args.values.name === "string" ? args.values.name : "default";
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]))
      throw new CliError(`sandbox: expected one of ${ACTIONS.join(", ")}, got '${action ?? ""}'`, {
        exitCode: 2,
      });
    if (action !== "kubectl" && action !== "fault" && rest.length > 0)
      throw new CliError(`sandbox ${action}: unexpected argument '${rest[0]}'`, { exitCode: 2 });
    switch (action) {
      case "up":
        return up(name, args);
      case "down":
        console.error(
          (await stopSandbox(name)) ? `stopped sandbox '${name}'` : `no sandbox '${name}' was running`,
        );
        return 0;
      case "status":
        return status(name);
      case "kubeconfig":
        console.log((await running(name)).kubeconfigPath);
        return 0;
      case "build":
        console.log((await ensureBinaries()).dir);
        return 0;
      case "fault":
        return fault(await running(name), rest, args);
      default:
        return passThroughKubectl(await running(name), rest);
    }
  },
};

export default sandbox;
