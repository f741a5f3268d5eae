/**
 * Benchmark of the emulator (prints numbers, asserts nothing):
 *   node packages/sandbox/test/emulator/emulator.bench.ts [clusters=50]
 * Starts `clusters` 2-core/3-replicant clusters in-process (5 listeners each on 127.252.x.y), then measures
 * GET /api/v5/nodes throughput and latency on one pod, and resident memory.
 */
import { Emulator } from "../../src/emulator/index.ts";
import { BOOTSTRAP_KEYS, buildPod, CONFIG_TEXT, OPERATOR_AUTH } from "./pods.ts";

const clusters = Number(process.argv[2] ?? 50);
const emulator = await Emulator.start({ log: () => undefined });
const boot = { bootstrapKeys: BOOTSTRAP_KEYS, configText: CONFIG_TEXT };
const startedAt = performance.now();
for (let c = 0; c < clusters; c++) {
  const ip = (n: number) => `127.252.${c + 1}.${n}`;
  const name = `emqx${c}`;
  await emulator.applyPod(buildPod({ name: `${name}-core-0`, cluster: name, ip: ip(1), role: "core" }), boot);
  await emulator.applyPod(buildPod({ name: `${name}-core-1`, cluster: name, ip: ip(2), role: "core" }), boot);
  for (const n of [3, 4, 5])
    await emulator.applyPod(
      buildPod({ name: `${name}-r${n}`, cluster: name, ip: ip(n), role: "replicant" }),
      boot,
    );
}
const startMs = performance.now() - startedAt;

const total = 5000;
const concurrency = 20;
const latencies: number[] = [];
let next = 0;
const runStarted = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const t0 = performance.now();
      const res = await fetch("http://127.252.1.1:18083/api/v5/nodes", {
        headers: { authorization: OPERATOR_AUTH },
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
    }
  }),
);
const runMs = performance.now() - runStarted;
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies[Math.floor((latencies.length - 1) * p)] ?? 0).toFixed(2);
console.log(
  `listeners: ${Object.keys(emulator.addresses()).length} (${clusters} clusters) started in ${startMs.toFixed(0)} ms`,
);
console.log(
  `GET /api/v5/nodes x${total}, concurrency ${concurrency}: ${((total / runMs) * 1000).toFixed(0)} req/s, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
);
console.log(`resident memory: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
await emulator.stop();
