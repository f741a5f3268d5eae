/**
 * Forwarder throughput into the embedded bus (a rule on the hint pattern counting deliveries), 10 000 child
 * events over 200 CR keys:
 * - "burst": all 10 000 hints added at once; the batcher folds them to one per key.
 * - "paced": 50 rounds of one hint per key, each round flushed before the next, so every hint is published
 *   (1 000 PutEvents requests of 10): the PutEvents path itself.
 * - "tracker": 10 000 Pod MODIFIED events (5 pods per CR, 10 rounds of 1 000: even pods flip readiness each round,
 *   odd pods only heartbeat) through fingerprinting + key mapping + batching, flushed per round.
 * Run: `node packages/runtime/test/bench/forwarder.ts`.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { busPatterns, type Hint, LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "@emqx-reconciler/api";
import { createEmbeddedBus } from "../../src/embedded/bus.ts";
import { createHintBatcher } from "../../src/workflows/forward/batcher.ts";
import { ObjectTracker } from "../../src/workflows/forward/ObjectTracker.ts";

const EVENTS = 10_000;
const KEYS = 200;

function setup() {
  const bus = createEmbeddedBus();
  let delivered = 0;
  bus.addRule({ name: "count", pattern: busPatterns.reconcileHints, target: () => void delivered++ });
  const batcher = createHintBatcher({ publisher: bus, windowMs: 5 });
  return { bus, batcher, delivered: () => delivered };
}

const hint = (i: number): Hint => ({
  cluster: "bench",
  namespace: "ns",
  name: `emqx-${i % KEYS}`,
  uid: `uid-${i % KEYS}`,
  resourceVersion: String(i),
  cause: "child",
});

async function measure(name: string, body: (s: ReturnType<typeof setup>) => Promise<string | undefined>) {
  const s = setup();
  const started = performance.now();
  const extra = await body(s);
  await s.batcher.flush();
  await s.bus.idle();
  const seconds = (performance.now() - started) / 1000;
  const st = s.batcher.stats();
  console.log(
    `${name.padEnd(8)} ${(EVENTS / seconds).toFixed(0).padStart(8)} events/s  ${(st.published / seconds).toFixed(0).padStart(7)} entries/s  ` +
      `published ${st.published}, putCalls ${st.putCalls}, merged ${st.merged}, delivered ${s.delivered()}, ${(seconds * 1000).toFixed(0)} ms` +
      (extra ? `, ${extra}` : ""),
  );
  await s.bus.close();
}

const PODS = KEYS * 5;

/** Event `i` is about pod `i % 1000` in round `i / 1000`: even pods flip readiness each round, odd ones only heartbeat. */
function pod(i: number): KubeObject {
  const p = i % PODS;
  const round = Math.floor(i / PODS);
  const ready = p % 2 === 0 ? round % 2 === 0 : true;
  const cr = `emqx-${p % KEYS}`;
  return {
    kind: "Pod",
    metadata: {
      name: `${cr}-${Math.floor(p / KEYS)}`,
      namespace: "ns",
      uid: `pod-${p}`,
      resourceVersion: String(i),
      labels: { [LABEL_INSTANCE]: cr, [LABEL_MANAGED_BY]: MANAGED_BY },
    },
    spec: { nodeName: "n1" },
    status: {
      phase: "Running",
      podIP: `10.0.${Math.floor(p / 250)}.${p % 250}`,
      conditions: [{ type: "Ready", status: ready ? "True" : "False", lastProbeTime: String(i) }],
      containerStatuses: [{ name: "emqx", ready, started: true, restartCount: 0, state: { running: {} } }],
    },
  };
}

for (let run = 0; run < 3; run++) {
  await measure("burst", async ({ batcher }) => {
    for (let i = 0; i < EVENTS; i++) batcher.add(hint(i));
    return undefined;
  });
  await measure("paced", async ({ batcher }) => {
    for (let i = 0; i < EVENTS; i++) {
      batcher.add(hint(i));
      if (i % KEYS === KEYS - 1) await batcher.flush();
    }
    return undefined;
  });
  await measure("tracker", async ({ batcher }) => {
    const crs = { kind: "EMQX" as const, namespace: undefined };
    const tracker = new ObjectTracker("bench", [crs]);
    const list = Array.from({ length: KEYS }, (_, i) => ({
      metadata: { name: `emqx-${i}`, namespace: "ns", uid: `uid-${i}`, resourceVersion: "1" },
    }));
    tracker.applyList(crs, list, "initial", false);
    const scope = { kind: "Pod" as const, namespace: undefined };
    for (let i = 0; i < EVENTS; i++) {
      const object = pod(i);
      for (const h of tracker.applyEvent(scope, { type: "MODIFIED", object })) batcher.add(h);
      if (i % 1000 === 999) await batcher.flush();
    }
    return `filtered ${tracker.stats().filtered}`;
  });
}
