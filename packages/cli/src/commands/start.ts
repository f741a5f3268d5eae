/**
 * `emqx-reconciler start` (what `npm start` runs): sandbox up, CRD installed, the seed example applied, the
 * reconciler running in this process until Ctrl-C, then everything it started stopped again.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { FIELD_MANAGER, renderCrdYaml } from "@emqx-reconciler/api";
import { findSandbox, type Sandbox, startSandbox } from "@emqx-reconciler/sandbox";
import { CliError, type Command } from "../command.ts";
import { EXIT_INTERRUPTED, exitIfStillRunningAfter, type StopSignals, watchStopSignals } from "../signals.ts";
import { serve } from "./run.ts";

const SANDBOX = "default";
const SEED = join(import.meta.dirname, "..", "..", "..", "..", "examples", "emqx-core-replicant.yaml");

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Runs the sandbox's kubectl; a failure is one line with kubectl's own message. */
async function kubectl(sandbox: Sandbox, what: string, args: string[], input?: string): Promise<string> {
  const result = await sandbox.kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new CliError(`${what} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** The running sandbox, or a new one (built on first use, progress on stderr); `created` says which. */
async function sandboxUp(signals: StopSignals): Promise<{ sandbox: Sandbox; created: boolean }> {
  const existing = await findSandbox(SANDBOX);
  if (existing) {
    say(`sandbox '${SANDBOX}' is already running; using it (it stays up after Ctrl-C)`);
    return { sandbox: existing, created: false };
  }
  say(`starting sandbox '${SANDBOX}' (the first start builds the Kubernetes binaries: about 10 minutes)`);
  try {
    return {
      sandbox: await startSandbox({ name: SANDBOX, signal: signals.stop, onProgress: say }),
      created: true,
    };
  } catch (error) {
    if (signals.stop.aborted)
      throw new CliError("interrupted while starting the sandbox; stopped what it had started", {
        exitCode: EXIT_INTERRUPTED,
        cause: error,
      });
    throw error;
  }
}

/** Installs the CRD (server-side apply of the generated YAML) and applies the seed example unless it exists. */
async function prepareCluster(sandbox: Sandbox): Promise<void> {
  const ssa = ["apply", "--server-side", "--force-conflicts", `--field-manager=${FIELD_MANAGER}`, "-f", "-"];
  await kubectl(sandbox, "installing the EMQX CRD", ssa, renderCrdYaml());
  await kubectl(sandbox, "waiting for the EMQX CRD", [
    "wait",
    "--for=condition=Established",
    "--timeout=60s",
    "crd/emqxes.apps.emqx.io",
  ]);
  say("installed the EMQX CRD (emqxes.apps.emqx.io)");
  const present = await sandbox.kubectl(["get", "emqx", "emqx", "--namespace", "default", "-o", "name"]);
  if (present.code === 0) {
    say("the seed EMQX 'emqx' exists already; left as it is");
    return;
  }
  await kubectl(
    sandbox,
    "applying the seed example",
    ["apply", "--namespace", "default", "-f", "-"],
    readFileSync(SEED, "utf8"),
  );
  say("applied examples/emqx-core-replicant.yaml (EMQX 'emqx': 2 cores, 3 replicants)");
}

/** Quotes a path for a shell only when it needs it, so the printed commands paste as they are. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function tryLines(sandbox: Sandbox): string {
  const kc = `kubectl --kubeconfig ${shellWord(sandbox.kubeconfigPath)}`;
  return [
    `kubeconfig: ${sandbox.kubeconfigPath}`,
    `try:        ${kc} get emqx`,
    `            ${kc} describe emqx emqx`,
    "            npx emqx-reconciler sandbox kubectl -- get emqx,pods   (the sandbox's own kubectl)",
  ].join("\n");
}

const start: Command = {
  usage: `Usage: emqx-reconciler start [--log-format json|text]

Everything needed to watch the reconciler work, on this machine:
  1. the sandbox '${SANDBOX}' (a real kube-apiserver with kwok nodes and the EMQX API emulator); the first start
     builds the Kubernetes binaries (about 10 minutes, cached afterwards); an already running one is reused
  2. the EMQX CRD, server-side applied
  3. examples/emqx-core-replicant.yaml applied (unless an EMQX 'emqx' exists in 'default')
  4. 'emqx-reconciler run --sandbox' in this process: a live table on a terminal, JSON logs otherwise

Ctrl-C stops the reconciler and then the sandbox, unless the sandbox was running before 'start' (then it stays up;
'npx emqx-reconciler sandbox down' stops it). Ctrl-C twice stops without waiting for running reconciles.

Options:
  --log-format <fmt>   json or text (default: the live table on a terminal, json otherwise)`,
  options: { "log-format": { type: "string" } },
  async run(args) {
    const format = args.values["log-format"];
    if (format !== undefined && format !== "json" && format !== "text")
      throw new CliError(`start: --log-format must be json or text, got '${String(format)}'`, {
        exitCode: 2,
      });
    const signals = watchStopSignals((count) => {
      if (count === 2) say("second Ctrl-C: stopping now (the sandbox is still stopped cleanly)");
    });
    try {
      const { sandbox, created } = await sandboxUp(signals);
      try {
        if (!signals.stop.aborted) await prepareCluster(sandbox);
        say(tryLines(sandbox));
        if (!signals.stop.aborted)
          say(
            await serve({
              kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath),
              cluster: `sandbox-${SANDBOX}`,
              format,
              verbose: args.debug,
              title: `emqx-reconciler start · sandbox '${SANDBOX}'`,
              signals,
            }),
          );
      } finally {
        if (created) {
          say(`stopping sandbox '${SANDBOX}'`);
          await sandbox.stop();
          say(`sandbox '${SANDBOX}' stopped; nothing left running`);
        } else say(`sandbox '${SANDBOX}' was running before 'start', so it is still running`);
      }
      return 0;
    } finally {
      signals.dispose();
      exitIfStillRunningAfter(3_000);
    }
  },
};

export default start;
