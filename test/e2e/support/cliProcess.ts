/**
 * `emqx-reconciler run` as a real child process (`node packages/cli/src/main.ts run --kubeconfig … --log-format
 * json`), with its JSON log lines parsed as they arrive, so a test can act on "the first write happened".
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { Testbed } from "./testbed.ts";

const MAIN = join(import.meta.dirname, "..", "..", "..", "packages", "cli", "src", "main.ts");

/** One log line of the process. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A running `run` process. */
export interface RunProcess {
  readonly proc: ChildProcess;
  /** Every JSON line so far. */
  readonly lines: LogLine[];
  /** What the process wrote to stderr (and any stdout line that was not JSON). */
  readonly stderr: () => string;
  /** Resolves with the first line (already seen or still to come) that `match` accepts. */
  waitForLine(what: string, match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
}

/** Which CLI entry runs, with which Node flags and kubeconfig: the TypeScript sources and the sandbox by default. */
export interface RunEntry {
  /** The entry file, e.g. the bundle's `packages/cli/dist/main.js`. @default the TypeScript sources */
  main?: string;
  nodeFlags?: readonly string[];
  /** Replaces the sandbox's own kubeconfig (e.g. one that goes through a counting proxy). */
  kubeconfig?: string;
}

/** Starts `run` against the sandbox, limited to one namespace, with `extraArgs` after the usual ones. */
export function startRunProcess(
  testbed: Pick<Testbed, "sandbox">,
  namespace: string,
  clusterId: string,
  extraArgs: readonly string[] = [],
  entry: RunEntry = {},
): RunProcess {
  const kubeconfig = entry.kubeconfig ?? testbed.sandbox.kubeconfigPath;
  const args = [entry.main ?? MAIN, "run", "--kubeconfig", kubeconfig, "--log-format", "json"];
  const proc = spawn(
    process.execPath,
    [...(entry.nodeFlags ?? []), ...args, "--namespace", namespace, "--cluster-id", clusterId, ...extraArgs],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let partial = "";
  let errors = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split("\n");
    partial = complete.pop() ?? "";
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        errors += `${line}\n`;
      }
    }
    for (const wake of waiters) wake();
  });
  proc.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );

  function waitForLine(what: string, match: (line: LogLine) => boolean, timeoutMs = 60_000) {
    return new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (!found) return;
        finish();
        resolve(found);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for the log line ${what}; stderr: ${errors}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return { proc, lines, stderr: () => errors, waitForLine, exited };
}
