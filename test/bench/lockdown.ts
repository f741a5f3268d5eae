/**
 * Lockdown benchmark: what least privilege and redaction cost. `plan()` first pass of 1,000 CRs with the open and
 * the restricted pod policy (the policy check's share), the pod-policy check alone on a CR with many containers
 * and volumes, one log line serialized with and without the redaction layer, and the grants of each RBAC part.
 * Run with `node test/bench/lockdown.ts` (or `npm run bench -- lockdown`). Prints numbers; asserts nothing.
 */
import { type PodPolicy, redactingReplacer, validateEmqx } from "../../packages/api/src/index.ts";
import { renderRbac } from "../../packages/cli/src/commands/rbac.ts";
import { plan } from "../../packages/core/src/plan/plan.ts";
import { forbiddenPodFields } from "../../packages/core/src/plan/podPolicy.ts";
import type { PlanInput } from "../../packages/core/src/plan/types.ts";
import { makeCr, SimulatedCluster } from "../../packages/core/test/plan/simulatedCluster.ts";
import { grantsOf } from "../security/rbacRules.ts";

const COUNT = 1_000;
const RESTRICTED: PodPolicy = { mode: "restricted", serviceAccounts: [] };

function perCall(label: string, rounds: number, run: (i: number) => unknown, show = true): void {
  for (let i = 0; i < Math.min(rounds, 200); i++) run(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < rounds; i++) run(i);
  const us = ((performance.now() - start) * 1000) / rounds;
  if (show) console.log(`${label.padEnd(46)} ${us.toFixed(2).padStart(9)} µs/call  (${rounds} calls)`);
}

const inputs: PlanInput[] = Array.from({ length: COUNT }, (_, i) =>
  new SimulatedCluster(
    makeCr(
      {
        coreTemplate: { spec: { replicas: 1 + (i % 3), extraVolumes: [{ name: "d", emptyDir: {} }] } },
        replicantTemplate: { spec: { replicas: i % 5 } },
      },
      `emqx-${i}`,
    ),
  ).input(),
);
console.log("plan() first pass, 1,000 CRs (open and restricted interleaved, second round shown)");
for (const round of [1, 2]) {
  const show = round === 2;
  const open = () =>
    perCall("  pod policy open", COUNT, (i) => plan(structuredClone(inputs[i] as PlanInput)), show);
  const restricted = () =>
    perCall(
      "  pod policy restricted",
      COUNT,
      (i) => plan({ ...structuredClone(inputs[i] as PlanInput), podPolicy: RESTRICTED }),
      show,
    );
  open();
  restricted();
}

const wide = validateEmqx(
  makeCr({
    coreTemplate: {
      spec: {
        extraContainers: Array.from({ length: 50 }, (_, i) => ({ name: `c${i}`, image: "busybox" })),
        extraVolumes: Array.from({ length: 50 }, (_, i) => ({ name: `v${i}`, emptyDir: {} })),
      },
    },
  }),
);
if (!wide.ok) throw new Error("bench CR invalid");
perCall("forbiddenPodFields, 50 containers + 50 volumes", 20_000, () =>
  forbiddenPodFields(wide.emqx, RESTRICTED),
);

const line = {
  level: "WARN",
  message: "Reconcile failed",
  key: "prod/mq/emqx",
  cluster: "prod",
  error: "403 Forbidden: patch Pod mq/emqx-core-0: Authorization: Bearer abc.def.ghi",
  changes: Array.from({ length: 8 }, (_, i) => ({
    kind: "StatefulSet",
    name: `s${i}`,
    paths: ["spec.replicas"],
  })),
};
console.log("one JSON log line (~0.7 KiB)");
perCall("  JSON.stringify", 100_000, () => JSON.stringify(line));
perCall("  JSON.stringify + redactingReplacer", 100_000, () => JSON.stringify(line, redactingReplacer));

console.log("RBAC grants (role, resource, verb) per part, served namespace bound");
for (const part of ["forwarder", "reconcile", "status", "scale", "read"] as const) {
  const grants = grantsOf(renderRbac({ group: "g", namespaces: ["emqx"], parts: [part] }));
  const own = grants.filter((g) => g.startsWith(`emqx-reconciler-${part} `)).length;
  console.log(`  ${part.padEnd(10)} ${String(own).padStart(3)} grants`);
}
