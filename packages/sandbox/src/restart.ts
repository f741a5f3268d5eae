/**
 * Restarting one process of a running sandbox (e.g. kube-apiserver, for a chaos test of everything that talks
 * to it): SIGTERM, then the same command line again, with output appended to the same log file. state.json is
 * rewritten with the new pid, so `sandbox down` still stops it. Resolves once the new process runs; waiting
 * until it serves is the caller's business.
 */
import { readFileSync } from "node:fs";
import { SandboxError } from "./errors.ts";
import { sandboxDir } from "./paths.ts";
import { spawnDaemon, stopProcess } from "./processes.ts";
import { readState, writeState } from "./state.ts";

/** Stops process `processName` of sandbox `name` and starts it again with the same arguments. */
export async function restartSandboxProcess(name: string, processName: string): Promise<void> {
  const state = await readState(sandboxDir(name));
  const record = state?.processes.find((p) => p.name === processName);
  if (!state || !record) throw new SandboxError(`sandbox '${name}' has no running ${processName}`);
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${record.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch (error) {
    throw new SandboxError(`${processName} (pid ${record.pid}) is not running`, { cause: error });
  }
  const [command, ...args] = argv;
  if (!command) throw new SandboxError(`${processName} (pid ${record.pid}) has no command line`);
  await stopProcess(record);
  const fresh = await spawnDaemon({ name: processName, command, args, logFile: record.logFile });
  state.processes = state.processes.map((p) => (p === record ? fresh : p));
  await writeState(state);
}
