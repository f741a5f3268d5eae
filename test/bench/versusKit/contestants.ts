/**
 * The two reconcilers the `versus` benchmark runs, each as its own process scoped to one namespace and talking
 * only to the counting proxy: the EMQX Operator (`WATCH_NAMESPACE`, no webhooks, no leader election, metrics and
 * probes on loopback) and `emqx-reconciler run --namespace … --no-lease` from the bundled CLI (plain JavaScript,
 * with its Node flags), as one deploys it; both are compiled programs then.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** One side of the comparison. */
export interface Contestant {
  name: "operator" | "ours";
  /** Starts it for `namespace`, logging into `logFile`. */
  start(namespace: string, logFile: string): ChildProcess;
}

function logTo(logFile: string): ["ignore", number, number] {
  const fd = openSync(logFile, "a");
  return ["ignore", fd, fd];
}

/** The operator binary `manager`, reaching the apiserver through `kubeconfig`. */
export function operatorContestant(manager: string, kubeconfig: string): Contestant {
  return {
    name: "operator",
    start: (namespace, logFile) =>
      spawn(
        manager,
        [
          "--leader-elect=false",
          "--metrics-bind-address=127.0.0.1:0",
          "--health-probe-bind-address=127.0.0.1:0",
        ],
        {
          env: {
            ...process.env,
            KUBECONFIG: kubeconfig,
            ENABLE_WEBHOOKS: "false",
            WATCH_NAMESPACE: namespace,
          },
          stdio: logTo(logFile),
        },
      ),
  };
}

/** `emqx-reconciler run` of the CLI entry `main` with `nodeFlags`, reaching the apiserver through `kubeconfig`. */
export function oursContestant(main: string, nodeFlags: readonly string[], kubeconfig: string): Contestant {
  return {
    name: "ours",
    start: (namespace, logFile) =>
      spawn(
        process.execPath,
        [
          ...nodeFlags,
          main,
          "run",
          "--kubeconfig",
          kubeconfig,
          "--namespace",
          namespace,
          "--no-lease",
          "--log-format",
          "json",
        ],
        { stdio: logTo(logFile) },
      ),
  };
}

/**
 * Resident memory of a live process, in MiB, from /proc: `rss` (`VmRSS`, what `ps` and the README show) and
 * `anon` (`RssAnon`, its own heap and stacks, without the pages of its executable and libraries, which the
 * kernel shares and can drop: a Go binary and the Node binary map very different amounts of code).
 */
export async function residentMiB(pid: number | undefined): Promise<{ rss: number; anon: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, anon: kb("RssAnon") / 1024 };
}

/**
 * CPU seconds a live process has used so far (user + system, from `/proc/<pid>/stat`, in clock ticks of 10 ms):
 * what a run costs whatever the machine's load, unlike its wall time.
 */
export async function cpuSeconds(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
