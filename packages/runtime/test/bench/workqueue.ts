/**
 * Work-queue throughput: 10 000 adds spread over 200 keys, no-op handler, default options (concurrency 4).
 * Two shapes: all adds at once (coalescing absorbs most of them) and adds interleaved with the workers (one
 * batch of 200 per event-loop turn, so most adds become runs). Run: `node packages/runtime/test/bench/workqueue.ts`.
 */
import { createWorkQueue } from "../../src/embedded/workQueue.ts";

const ADDS = 10_000;
const KEYS = Array.from({ length: 200 }, (_, i) => `cluster/ns/emqx-${i}`);
const turn = () => new Promise((resolve) => setImmediate(resolve));

interface Sample {
  seconds: number;
  runs: number;
  coalesced: number;
  maxPerKey: number;
  meanLatencyMs: number;
}

async function once(interleave: boolean): Promise<Sample> {
  const queue = createWorkQueue({ handler: async () => undefined });
  const started = performance.now();
  for (let i = 0; i < ADDS; i++) {
    queue.add(KEYS[i % KEYS.length] as string);
    if (interleave && i % KEYS.length === KEYS.length - 1) await turn();
  }
  await queue.idle();
  const seconds = (performance.now() - started) / 1000;
  const m = queue.metrics();
  await queue.shutdown();
  return {
    seconds,
    runs: m.runs,
    coalesced: m.coalescedAdds,
    maxPerKey: m.maxConcurrentRunsPerKey,
    meanLatencyMs: m.queueLatency.meanMs,
  };
}

/** Median of 25 timed repetitions after 5 warm-ups. */
async function measure(name: string, interleave: boolean): Promise<void> {
  for (let i = 0; i < 5; i++) await once(interleave);
  const samples: Sample[] = [];
  for (let i = 0; i < 25; i++) samples.push(await once(interleave));
  samples.sort((a, b) => a.seconds - b.seconds);
  const median = samples[Math.floor(samples.length / 2)] as Sample;
  const perSecond = (n: number) => (n / median.seconds).toFixed(0).padStart(9);
  console.log(
    `${name.padEnd(12)} ${perSecond(ADDS)} adds/s ${perSecond(median.runs)} runs/s  runs=${median.runs} ` +
      `coalesced=${median.coalesced} maxPerKey=${Math.max(...samples.map((s) => s.maxPerKey))} ` +
      `queue latency mean=${median.meanLatencyMs.toFixed(3)} ms (median of 25: ${(median.seconds * 1000).toFixed(2)} ms)`,
  );
}

await measure("burst", false);
await measure("interleaved", true);
