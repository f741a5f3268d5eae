/**
 * Autoscaler latency, on a fresh sandbox with the reconciler of `emqx-reconciler run` (status refresh every 10 s,
 * its default): the seed example at 2 replicants, opted in with 1000 connections per replicant, 2…5, step 3,
 * 10 s windows, no cooldown. The emulator's load goes 0 → 4500 connections, then back to 300. For each change it
 * prints the time to the decision (the spec's replicants change) and to the new replicas being Ready (the CR
 * Ready with that many replicant nodes). Run: `npm run bench -- autoscale`. Prints numbers; asserts nothing.
 */

import type { KubeObject } from "@emqx-reconciler/adapters";
import { ANNOTATION_AUTOSCALE, type EmqxStatus } from "@emqx-reconciler/api";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";
import {
  applyCopies,
  createNamespace,
  openBenchSandbox,
  seconds,
  sleep,
  startQuietReconciler,
  stopReconciler,
} from "../e2e/support/benchKit.ts";

const WINDOW = "10s";
const namespace = "autoscale";

function replicants(cr: KubeObject | undefined): { spec?: number; ready: number; isReady: boolean } {
  const spec = (cr?.spec as { replicantTemplate?: { spec?: { replicas?: number } } } | undefined)
    ?.replicantTemplate?.spec?.replicas;
  const status = cr?.status as EmqxStatus | undefined;
  return {
    ...(spec === undefined ? {} : { spec }),
    ready: status?.replicantNodesStatus?.readyReplicas ?? 0,
    isReady: status?.conditions?.[0]?.type === "Ready" && status.conditions[0].status === "True",
  };
}

const bench = await openBenchSandbox("bench-autoscale");
try {
  await createNamespace(bench, namespace);
  const reconciler = await startQuietReconciler(bench, namespace);
  const admin = await EmulatorAdmin.fromStateDir(bench.sandbox.stateDir);
  await applyCopies(bench, namespace, ["emqx"]);
  const read = () => bench.observer.getEmqx(namespace, "emqx");
  const waitUntil = async (ok: (r: ReturnType<typeof replicants>) => boolean, from: number) => {
    while (!ok(replicants(await read()))) {
      if (performance.now() - from > 300_000) throw new Error("no change within 5 min");
      await sleep(100);
    }
    return performance.now() - from;
  };
  const patch = {
    metadata: {
      annotations: {
        [ANNOTATION_AUTOSCALE.targetConnectionsPerReplicant]: "1000",
        [ANNOTATION_AUTOSCALE.min]: "2",
        [ANNOTATION_AUTOSCALE.max]: "5",
        [ANNOTATION_AUTOSCALE.step]: "3",
        [ANNOTATION_AUTOSCALE.scaleUpWindow]: WINDOW,
        [ANNOTATION_AUTOSCALE.scaleDownWindow]: WINDOW,
        [ANNOTATION_AUTOSCALE.cooldown]: "0s",
      },
    },
    spec: { replicantTemplate: { spec: { replicas: 2 } } },
  };
  const result = await bench.sandbox.kubectl(
    ["patch", "emqx", "emqx", "-n", namespace, "--type=merge", "-p", JSON.stringify(patch)],
    {},
  );
  if (result.code !== 0) throw new Error(result.stderr);
  await waitUntil((r) => r.isReady && r.ready === 2 && r.spec === 2, performance.now());
  console.log(`windows ${WINDOW}, status refresh every 10 s, step 3, 1000 connections per replicant`);
  for (const [connections, want] of [
    [4500, 5],
    [300, 2],
  ] as const) {
    await admin.setLoadCurve({ namespace, name: "emqx" }, [{ afterMs: 0, connections }]);
    const start = performance.now();
    const decided = await waitUntil((r) => r.spec === want, start);
    const ready = await waitUntil((r) => r.isReady && r.ready === want, start);
    console.log(
      `load → ${connections}: decision after ${seconds(decided)}, ${want} replicants Ready after ${seconds(ready)}`,
    );
  }
  await stopReconciler(reconciler);
} finally {
  await bench.close();
}
