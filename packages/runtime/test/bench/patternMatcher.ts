/**
 * Pattern-matcher throughput on the api's real reconcile-hint pattern and on a pattern using most operators.
 * Run: `node packages/runtime/test/bench/patternMatcher.ts`.
 */
import { busPatterns } from "@emqx-reconciler/api";
import { matchesPattern } from "../../src/embedded/patternMatcher.ts";

const event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "ReconcileHint",
  source: "emqx-reconciler.forwarder",
  account: "000000000000",
  time: "2026-01-01T00:00:00Z",
  region: "local",
  resources: [],
  detail: { cluster: "local", namespace: "default", name: "emqx", cause: "modified", ip: "10.0.0.7", n: 7 },
};
const rich = {
  source: [{ prefix: "emqx-reconciler." }],
  "detail-type": [{ "equals-ignore-case": "reconcilehint" }],
  detail: {
    name: [{ wildcard: "em*x" }],
    cause: [{ "anything-but": ["resync", "requeue"] }],
    ip: [{ cidr: "10.0.0.0/24" }],
    n: [{ numeric: [">", 0, "<=", 10] }],
    uid: [{ exists: false }],
  },
};

for (const [name, pattern] of [
  ["reconcileHints", busPatterns.reconcileHints],
  ["operators", rich],
] as const) {
  const rounds = 1_000_000;
  let matched = 0;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) if (matchesPattern(pattern, event)) matched++;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${name.padEnd(15)} ${(rounds / seconds).toFixed(0).padStart(10)} matches/s (matched ${matched}/${rounds})`,
  );
}
