/**
 * Plan benchmark: milliseconds per `plan()` for 1,000 different CRs, first pass (no children yet) and converged
 * (a simulated cluster driven to Ready by the fake controllers of the core plan tests), with peak memory.
 * Run with `node test/bench/plan.ts`. Prints numbers; asserts nothing.
 */
import { plan } from "../../packages/core/src/plan/plan.ts";
import type { PlanInput } from "../../packages/core/src/plan/types.ts";
import { makeCr, SimulatedCluster } from "../../packages/core/test/plan/simulatedCluster.ts";

const COUNT = 1_000;
const IMAGES = ["emqx/emqx:6.0.1", "emqx/emqx:5.8.6", "emqx/emqx-enterprise:5.8.6", "emqx/emqx:6.0.0"];

/** CR number `i`: names, images, replica counts, listeners, labels and resources all vary. */
function crSpec(i: number): Record<string, unknown> {
  return {
    image: IMAGES[i % IMAGES.length],
    config: {
      data: `listeners.tcp.t${i}.bind = ${10_000 + i}\ndashboard.listeners.http.bind = ${18_083 + (i % 3)}\nlicense { key = "evaluation" }\n`,
    },
    coreTemplate: {
      metadata: { labels: { team: `t${i % 17}` } },
      spec: { replicas: 1 + (i % 3), resources: { requests: { cpu: `${250 + i}m`, memory: "512Mi" } } },
    },
    replicantTemplate: { spec: { replicas: i % 5, env: [{ name: "N", value: String(i) }] } },
    dashboardServiceTemplate: i % 2 ? { spec: { type: "LoadBalancer" } } : undefined,
  };
}

let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

function time(label: string, inputs: PlanInput[]): void {
  for (const input of inputs.slice(0, 50)) plan(structuredClone(input)); // warm-up
  const copies = inputs.map((i) => structuredClone(i));
  const start = performance.now();
  for (const [n, input] of copies.entries()) {
    plan(input);
    if (n % 100 === 0) sampleRss();
  }
  const ms = performance.now() - start;
  sampleRss();
  console.log(
    `${label.padEnd(34)} ${(ms / inputs.length).toFixed(3).padStart(7)} ms/CR  (${inputs.length} CRs)`,
  );
}

const fresh: PlanInput[] = [];
const converged: PlanInput[] = [];
let ready = 0;
for (let i = 0; i < COUNT; i++) {
  const sim = new SimulatedCluster(makeCr(crSpec(i), `emqx-${i}`));
  fresh.push(sim.input());
  for (let pass = 0; pass < 40 && sim.state() !== "Ready"; pass++) sim.step();
  if (sim.state() === "Ready") ready += 1;
  converged.push(sim.input());
}
sampleRss();

console.log(
  `plan() on ${COUNT} different CRs (node ${process.version}); ${ready} driven to Ready by the simulated cluster`,
);
time("first reconcile (no children yet)", fresh);
time("converged (Ready, nothing to do)", converged);
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (includes the ${2 * COUNT} prepared inputs)`);
console.log("operator 2.2.30: ≈ 0.27 s per reconcile pass (I/O included, single worker); not comparable 1:1");
