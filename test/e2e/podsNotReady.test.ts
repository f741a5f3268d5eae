/**
 * Why a cluster is not Ready, live on the sandbox: pods the real kube-scheduler cannot place (a nodeSelector no
 * node has), an image kwok cannot pull and a container that crash-loops (the sandbox's fault stages, chosen by the
 * image host) each give the CR a `PodsNotReady` condition naming the pods and the reason, and exactly one Warning
 * event over several passes; `kubectl describe emqx` shows both. Removing the nodeSelector clears the condition.
 */
import { ConditionReason, ConditionType, EventReason } from "@emqx-reconciler/api";
import { CRASH_LOOP_IMAGE_HOST, UNPULLABLE_IMAGE_HOST } from "@emqx-reconciler/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const NO_SUCH_NODE_LABEL = "sandbox.invalid/no-such-node";

/** A one-core cluster; `extra` is merged into its core template spec. */
function coreOnly(name: string, image: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name },
    spec: { image, coreTemplate: { spec: { replicas: 1, ...extra } } },
  };
}

interface EventObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { name?: string };
}

async function podsNotReadyEvents(testbed: Testbed, namespace: string, name: string): Promise<EventObject[]> {
  const out = await kubectl(testbed, ["get", "events", "-n", namespace, "-o", "json"]);
  return ((JSON.parse(out) as { items: EventObject[] }).items ?? []).filter(
    (e) => e.reason === EventReason.PodsNotReady && e.involvedObject?.name === name,
  );
}

async function stuckCondition(testbed: Testbed, namespace: string, name: string, reason: string) {
  return waitFor(`PodsNotReady/${reason} on ${name}`, async () => {
    const cr = await readCr(testbed, namespace, name);
    return cr?.status?.conditions?.find((c) => c.type === ConditionType.PodsNotReady && c.reason === reason);
  });
}

describe("pods that cannot become ready", () => {
  let testbed: Testbed;
  let ns: string;
  let embedded: EmbeddedReconciler | undefined;

  beforeAll(async () => {
    testbed = await openTestbed();
    ns = await freshNamespace(testbed, "e2e-stuck");
    embedded = await startEmbedded(testbed, ns);
    const crs = [
      coreOnly("unschedulable", "emqx/emqx:5.8.6", { nodeSelector: { [NO_SUCH_NODE_LABEL]: "yes" } }),
      coreOnly("unpullable", `${UNPULLABLE_IMAGE_HOST}/emqx/emqx:5.8.6`),
      coreOnly("crashing", `${CRASH_LOOP_IMAGE_HOST}/emqx/emqx:5.8.6`),
    ];
    for (const cr of crs) await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(cr));
  });

  afterAll(async () => {
    await embedded?.stop();
    await closeTestbed(testbed, ns);
  });

  it("names each stuck pod with the scheduler's or the kubelet's reason, one event each", {
    timeout: 60_000,
  }, async () => {
    const unschedulable = await stuckCondition(testbed, ns, "unschedulable", ConditionReason.Unschedulable);
    expect(unschedulable.message).toMatch(
      /^1 pod not ready: Unschedulable: unschedulable-core-[a-z0-9]+-0: 0\/\d+ nodes are available: \d+ node\(s\) didn't match Pod's node affinity\/selector/,
    );
    const unpullable = await stuckCondition(testbed, ns, "unpullable", ConditionReason.ImagePullBackOff);
    expect(unpullable.message).toMatch(
      new RegExp(
        `^1 pod not ready: ImagePullBackOff: unpullable-core-[a-z0-9]+-0: image "${UNPULLABLE_IMAGE_HOST}/emqx/emqx:5.8.6" of container emqx cannot be pulled$`,
      ),
    );
    const crashing = await stuckCondition(testbed, ns, "crashing", ConditionReason.CrashLoopBackOff);
    expect(crashing.message).toMatch(
      /^1 pod not ready: CrashLoopBackOff: crashing-core-[a-z0-9]+-0: container emqx keeps crashing \(5 restarts, last exit code 1 \(Error\)\)$/,
    );

    for (let pass = 0; pass < 3; pass++) await embedded?.settle();
    for (const [name, condition] of [
      ["unschedulable", unschedulable],
      ["unpullable", unpullable],
      ["crashing", crashing],
    ] as const) {
      const events = await podsNotReadyEvents(testbed, ns, name);
      expect(events.map((e) => [e.type, e.count ?? 1, e.message])).toEqual([
        ["Warning", 1, condition.message],
      ]);
      const cr = await readCr(testbed, ns, name);
      expect(cr?.status?.conditions?.[0]?.type).toBe(ConditionType.CoreNodesProgressing);
    }

    const described = await kubectl(testbed, ["describe", "emqx", "unschedulable", "-n", ns]);
    expect(described).toContain("PodsNotReady");
    expect(described).toMatch(/Warning\s+PodsNotReady/);
  });

  it("clears the condition once the pods can run, and reaches Ready", { timeout: 90_000 }, async () => {
    await kubectl(testbed, [
      "patch",
      "emqx",
      "unschedulable",
      "-n",
      ns,
      "--type=json",
      "-p",
      JSON.stringify([{ op: "remove", path: "/spec/coreTemplate/spec/nodeSelector" }]),
    ]);
    const ready = await waitFor("Ready without PodsNotReady", async () => {
      const cr = await readCr(testbed, ns, "unschedulable");
      return hasCondition(cr, ConditionType.Ready) && !hasCondition(cr, ConditionType.PodsNotReady)
        ? cr
        : undefined;
    });
    expect(ready.status?.conditions?.map((c) => c.type)).not.toContain(ConditionType.PodsNotReady);
    expect(await podsNotReadyEvents(testbed, ns, "unschedulable")).toHaveLength(1);
  });
});
