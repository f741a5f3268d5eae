import { afterEach, describe, expect, it, vi } from "vitest";
import { startPeriodicTask } from "../../src/embedded/timers.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("startPeriodicTask", () => {
  it("starts runs one period apart and never overlaps a run that overruns", async () => {
    vi.useFakeTimers();
    const starts: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const t0 = performance.now();
    const task = startPeriodicTask(
      async () => {
        starts.push(performance.now() - t0);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, starts.length === 2 ? 2_500 : 100));
        running--;
      },
      { intervalMs: 1_000 },
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await task.stop();
    expect(starts).toEqual([1_000, 2_000, 4_500, 5_500].filter((t) => t <= 5_000));
    expect(maxRunning).toBe(1);
  });

  it("joins a run under way instead of starting a second one", async () => {
    let calls = 0;
    let release!: () => void;
    const task = startPeriodicTask(
      () => {
        calls++;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      { intervalMs: 60_000 },
    );
    const first = task.runNow();
    const second = task.runNow();
    release();
    await Promise.all([first, second]);
    await task.stop();
    expect(calls).toBe(1);
    expect(task.runs).toBe(1);
  });

  it("keeps its schedule after a failing run and reports the error", async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const task = startPeriodicTask(() => Promise.reject(new Error("boom")), {
      intervalMs: 1_000,
      runAtStart: true,
      onError: (error) => errors.push(error),
    });
    await vi.advanceTimersByTimeAsync(3_000);
    await task.stop();
    expect(errors).toHaveLength(4);
    expect(task.runs).toBe(4);
  });

  it("jitters each period within ± the fraction", async () => {
    vi.useFakeTimers();
    const starts: number[] = [];
    const randoms = [0, 1, 0.5];
    const t0 = performance.now();
    const task = startPeriodicTask(async () => void starts.push(performance.now() - t0), {
      intervalMs: 1_000,
      jitter: 0.1,
      random: () => randoms.shift() ?? 0.5,
    });
    await vi.advanceTimersByTimeAsync(3_100);
    await task.stop();
    expect(starts).toEqual([900, 2_000, 3_000]);
  });

  it("stops: aborts the run under way, waits for it, and schedules nothing more", async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    const task = startPeriodicTask(
      (signal) => {
        seen = signal;
        return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      },
      { intervalMs: 1_000, runAtStart: true },
    );
    await task.stop();
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task.runs).toBe(1);
  });

  it("refuses a non-positive interval", () => {
    expect(() => startPeriodicTask(async () => undefined, { intervalMs: 0 })).toThrow(/positive/);
  });
});
