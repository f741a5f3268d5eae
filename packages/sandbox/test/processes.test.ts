/** Detached processes are tracked by pid and start time, and stopped with SIGTERM, then SIGKILL if they ignore it. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isRunning, logTail, residentBytes, spawnDaemon, stopProcess } from "../src/processes.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-processes-"));
});

describe("spawnDaemon / stopProcess", () => {
  it("starts a detached process, reports it running with its memory, and stops it", async () => {
    const record = await spawnDaemon({
      name: "sleeper",
      command: "sleep",
      args: ["60"],
      logFile: join(dir, "a.log"),
    });
    expect(isRunning(record)).toBe(true);
    expect(residentBytes(record.pid)).toBeGreaterThan(0);
    await stopProcess(record);
    expect(isRunning(record)).toBe(false);
    expect(residentBytes(record.pid)).toBeUndefined();
  });

  it("does not take a different process with the same pid for the recorded one", async () => {
    const record = await spawnDaemon({
      name: "sleeper",
      command: "sleep",
      args: ["60"],
      logFile: join(dir, "b.log"),
    });
    expect(isRunning({ pid: record.pid, startTicks: record.startTicks + 1 })).toBe(false);
    await stopProcess(record);
  });

  it("kills a process that ignores SIGTERM once the grace period is over", async () => {
    const script = 'trap "" TERM; echo started; while true; do sleep 0.1; done';
    const logFile = join(dir, "c.log");
    const record = await spawnDaemon({ name: "stubborn", command: "bash", args: ["-c", script], logFile });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stopProcess(record, 300);
    expect(isRunning(record)).toBe(false);
    expect(logTail(logFile)).toBe("started");
  });

  it("fails with a readable error when the command does not exist", async () => {
    const start = spawnDaemon({
      name: "ghost",
      command: join(dir, "missing"),
      args: [],
      logFile: join(dir, "d.log"),
    });
    await expect(start).rejects.toThrow(/^could not start ghost: /);
  });
});

describe("logTail", () => {
  it("returns the last lines of a log, or nothing when there is none", async () => {
    await writeFile(join(dir, "e.log"), "1\n2\n3\n4\n5\n6\n7\n");
    expect(logTail(join(dir, "e.log"), 3)).toBe("5\n6\n7");
    expect(logTail(join(dir, "none.log"))).toBe("");
  });
});
