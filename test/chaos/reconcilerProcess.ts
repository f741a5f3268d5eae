/**
 * `emqx-reconciler run` as the chaos suite's child process: started through the counting proxy's kubeconfig,
 * killed with SIGKILL (at once, or right after its next write, which lands mid-pass, mid-blue-green or
 * mid-scale-down), and started again. Every process's output is kept, to look for leaked secrets.
 */
import type { Sandbox } from "@emqx-reconciler/sandbox";
import { type LogLine, type RunProcess, startRunProcess } from "../e2e/support/cliProcess.ts";

/** A log message of a write to the cluster (see the runtime's `reconcileWrites`). */
const WRITE = /^(Created|Applied|Scaled|Deleted) /;

/** How long a kill "after the next write" waits for that write before killing anyway. */
const WRITE_WAIT_MS = 5_000;

/** The reconciler under test, across its restarts. */
export class ReconcilerProcess {
  readonly #sandbox: Sandbox;
  readonly #namespace: string;
  readonly #kubeconfig: string;
  readonly #all: RunProcess[] = [];
  #current: RunProcess | undefined;
  /** Kills so far, and how many of them came right after a write. */
  kills = 0;
  killsAfterWrite = 0;

  constructor(sandbox: Sandbox, namespace: string, kubeconfig: string) {
    this.#sandbox = sandbox;
    this.#namespace = namespace;
    this.#kubeconfig = kubeconfig;
  }

  /** Starts a process unless one runs; resolves once its first lists are done. */
  async ensureRunning(): Promise<void> {
    const current = this.#current;
    if (current && current.proc.exitCode === null && current.proc.signalCode === null) return;
    // No Lease: each process is killed and gone before the next starts, so two never run at once.
    const run = startRunProcess({ sandbox: this.#sandbox }, this.#namespace, "chaos", ["--no-lease"], {
      kubeconfig: this.#kubeconfig,
    });
    this.#current = run;
    this.#all.push(run);
    await run.waitForLine(
      "the forwarder's first lists",
      (l) => l.msg?.startsWith("Listed every EMQX") ?? false,
      120_000,
    );
  }

  /**
   * SIGKILL, after the next write if `afterWrite` (or {@link WRITE_WAIT_MS} without one); then starts anew.
   * Resolves to whether the kill came right after a write.
   */
  async kill(afterWrite: boolean): Promise<boolean> {
    const run = this.#current;
    let wrote = false;
    if (!run) {
      await this.ensureRunning();
      return wrote;
    }
    if (afterWrite) {
      const from = run.lines.length;
      wrote = await run
        .waitForLine("a write", (l) => WRITE.test(l.msg ?? "") && run.lines.indexOf(l) >= from, WRITE_WAIT_MS)
        .then(
          () => true,
          () => false,
        );
      if (wrote) this.killsAfterWrite++;
    }
    run.proc.kill("SIGKILL");
    await run.exited;
    this.kills++;
    await this.ensureRunning();
    return wrote;
  }

  /** Everything every process wrote: JSON lines and stderr. */
  output(): string {
    return this.#all
      .map((r) => [...r.lines.map((l) => JSON.stringify(l)), r.stderr()].join("\n"))
      .join("\n-- next process --\n");
  }

  /** The current process's log lines (for a failure report). */
  lastLines(count: number): LogLine[] {
    return this.#current?.lines.slice(-count) ?? [];
  }

  /** Stops the current process with SIGINT (a clean stop), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const run = this.#current;
    if (!run || run.proc.exitCode !== null || run.proc.signalCode !== null) return;
    run.proc.kill("SIGINT");
    const timer = setTimeout(() => run.proc.kill("SIGKILL"), 15_000);
    await run.exited;
    clearTimeout(timer);
  }
}
