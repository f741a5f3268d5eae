/**
 * Child processes of the sandbox: started detached (own process group, output to a log file) so they outlive the
 * command that started them, and stopped by pid — checked against the start time in /proc so a reused pid is
 * never signalled.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { SandboxError } from "./errors.ts";

/** What state.json remembers of one process. */
export interface ProcessRecord {
  /** Role in the sandbox, e.g. `kube-apiserver`. */
  name: string;
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  startTicks: number;
  logFile: string;
}

/** What to start. */
export interface SpawnDaemonOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** /proc/<pid>/stat fields after the command name: [state, ppid, ..., starttime at index 19]. */
function readStat(pid: number): { state: string; startTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", startTicks: Number(fields[19]) };
}

/** Starts a process detached from this one, with stdout and stderr appended to its log file. */
export async function spawnDaemon(options: SpawnDaemonOptions): Promise<ProcessRecord> {
  const fd = openSync(options.logFile, "a");
  try {
    const child = spawn(options.command, options.args, {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) =>
        reject(new SandboxError(`could not start ${options.name}: ${error.message}`, { cause: error })),
      );
    });
    child.unref();
    const pid = child.pid as number;
    const stat = readStat(pid);
    return { name: options.name, pid, startTicks: stat?.startTicks ?? 0, logFile: options.logFile };
  } finally {
    closeSync(fd);
  }
}

/** True while the recorded process exists, is not a zombie, and is the same process (same start time). */
export function isRunning(record: Pick<ProcessRecord, "pid" | "startTicks">): boolean {
  const stat = readStat(record.pid);
  if (!stat || stat.state === "Z" || stat.state === "X") return false;
  return record.startTicks === 0 || stat.startTicks === record.startTicks;
}

/** True while a plain pid (no start time known) is alive. */
export function isPidAlive(pid: number): boolean {
  return isRunning({ pid, startTicks: 0 });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  }
}

async function waitUntilGone(record: ProcessRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(record)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Stops one process and its process group: SIGTERM, up to `graceMs` to exit, then SIGKILL. Resolves once it is
 * gone (a process started by this one is reaped by Node itself).
 */
export async function stopProcess(record: ProcessRecord, graceMs = 5_000): Promise<void> {
  if (!isRunning(record)) return;
  signal(record.pid, "SIGTERM");
  if (await waitUntilGone(record, graceMs)) return;
  signal(record.pid, "SIGKILL");
  if (!(await waitUntilGone(record, 5_000)))
    throw new SandboxError(`${record.name} (pid ${record.pid}) did not exit after SIGKILL`);
}

/** Resident memory of a process in bytes (VmRSS), or undefined when it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The last lines of a log file, to put the reason for a crash into an error message. */
export function logTail(logFile: string, lines = 5): string {
  try {
    return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
