import { monotonicMs } from "@emqx-reconciler/api";

/** Options of {@link startPeriodicTask}. */
export interface PeriodicTaskOptions {
  /** Time from the start of one run to the start of the next (when the run was shorter). */
  intervalMs: number;
  /** Spread each period by up to ± this fraction (controller-runtime jitters its resync by 10 %). */
  jitter?: number;
  /** Run once right away instead of after the first period. */
  runAtStart?: boolean;
  /** Hears a run that threw; the task keeps its schedule. */
  onError?: (error: unknown) => void;
  random?: () => number;
}

/** Handle of a task started by {@link startPeriodicTask}. */
export interface PeriodicTask {
  /** Starts a run now unless one is under way (then resolves when that one ends). */
  runNow(): Promise<void>;
  /** Cancels the schedule, aborts the signal of a run under way and waits for it. */
  stop(): Promise<void>;
  /** Completed runs, failed or not. */
  readonly runs: number;
}

/**
 * Runs `task` every `intervalMs`, never overlapping itself: a run that overruns its period delays the next one
 * instead of stacking (a slow EMQX API must not pile up status refreshes).
 */
export function startPeriodicTask(
  task: (signal: AbortSignal) => Promise<void>,
  options: PeriodicTaskOptions,
): PeriodicTask {
  const { intervalMs, jitter = 0, random = Math.random } = options;
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be a positive number, got ${intervalMs}`);
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let runs = 0;

  const period = () => intervalMs * (1 + jitter * (2 * random() - 1));

  /** An overrun starts the next run at once (no 1 ms timer clamp), still strictly after the previous one. */
  function schedule(delayMs: number): void {
    if (abort.signal.aborted) return;
    clearTimeout(timer);
    if (delayMs <= 0) void runNow();
    else timer = setTimeout(() => void runNow(), delayMs);
  }

  function runNow(): Promise<void> {
    if (current) return current;
    if (abort.signal.aborted) return Promise.resolve();
    clearTimeout(timer);
    const startedAt = monotonicMs();
    const nextPeriod = period();
    current = (async () => {
      try {
        await task(abort.signal);
      } catch (error) {
        options.onError?.(error);
      } finally {
        runs++;
        current = undefined;
        schedule(nextPeriod - (monotonicMs() - startedAt));
      }
    })();
    return current;
  }

  if (options.runAtStart) void runNow();
  else schedule(period());

  return {
    runNow,
    async stop() {
      abort.abort(new Error("The periodic task was stopped."));
      clearTimeout(timer);
      await current;
    },
    get runs() {
      return runs;
    },
  };
}
