/**
 * Writes that the apiserver refuses, live on the sandbox (issue 9 part 2):
 * - a CR repeating keys of server-side-applied lists (a user env entry named like the operator's, a repeated
 *   volume, mount and sidecar port) reaches Ready with one entry per key, the user's value winning;
 * - a child write the apiserver keeps refusing (a ResourceQuota forbidding StatefulSets: 403 on every try) leaves
 *   the CR with a `ReconcileFailed` condition naming the object and exactly one Warning event over several
 *   passes, and the condition is cleared once the quota is gone.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { ConditionType, EventReason } from "@emqx-reconciler/api";
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForShape } from "./support/converge.ts";
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

const SHAPE = { cores: 2, replicants: 1 };

/** A small cluster whose core template repeats keys of every kind server-side apply keys. */
const REPEATED_KEYS_CR = {
  apiVersion: "apps.emqx.io/v2beta1",
  kind: "EMQX",
  metadata: { name: "emqx" },
  spec: {
    image: "emqx/emqx:6.0.1",
    config: { data: 'license {\n  key = "evaluation"\n}\n' },
    coreTemplate: {
      spec: {
        replicas: SHAPE.cores,
        env: [
          { name: "EMQX_CLUSTER__DNS__RECORD_TYPE", value: "a" },
          { name: "EMQX_LOG__CONSOLE__LEVEL", value: "info" },
          { name: "EMQX_LOG__CONSOLE__LEVEL", value: "debug" },
        ],
        ports: [
          { name: "mqtt", containerPort: 1883 },
          { name: "mqtt-again", containerPort: 1883, protocol: "TCP" },
        ],
        extraVolumes: [
          { name: "extra", emptyDir: {} },
          { name: "extra", emptyDir: { medium: "Memory" } },
        ],
        extraVolumeMounts: [
          { name: "extra", mountPath: "/opt/extra" },
          { name: "extra", mountPath: "/opt/extra", readOnly: true },
        ],
        extraContainers: [
          {
            name: "exporter",
            image: "busybox:1.36",
            env: [
              { name: "MODE", value: "one" },
              { name: "MODE", value: "two" },
            ],
            ports: [
              { name: "metrics", containerPort: 9100 },
              { name: "metrics-tcp", containerPort: 9100, protocol: "TCP" },
            ],
          },
        ],
      },
    },
    replicantTemplate: {
      spec: {
        replicas: SHAPE.replicants,
        env: [{ name: "EMQX_CLUSTER__DNS__RECORD_TYPE", value: "a" }],
      },
    },
  },
};

interface EventObject {
  type?: string;
  reason?: string;
  count?: number;
  message?: string;
  involvedObject?: { name?: string };
}

/** The keys of `list` that occur more than once. */
function repeated<T>(list: readonly T[] | undefined, keyOf: (entry: T) => string): string[] {
  const keys = (list ?? []).map(keyOf);
  return keys.filter((key, i) => keys.indexOf(key) !== i);
}

/** The pod spec of the one set in `sets`. */
function podSpecOf(sets: readonly KubeObject[]): V1PodSpec {
  expect(sets).toHaveLength(1);
  return (
    (sets[0]?.spec as { template: { spec: V1PodSpec } } | undefined)?.template.spec ?? { containers: [] }
  );
}

async function applyCr(testbed: Testbed, namespace: string): Promise<void> {
  await kubectl(testbed, ["apply", "-n", namespace, "-f", "-"], JSON.stringify(REPEATED_KEYS_CR));
}

/** The Warning events of the CR with the reconciler's failure reason. */
async function failureEvents(testbed: Testbed, namespace: string): Promise<EventObject[]> {
  const out = await kubectl(testbed, ["get", "events", "-n", namespace, "-o", "json"]);
  return ((JSON.parse(out) as { items: EventObject[] }).items ?? []).filter(
    (e) =>
      e.type === "Warning" && e.reason === EventReason.ReconcilerFailed && e.involvedObject?.name === "emqx",
  );
}

describe("repeated keys in server-side-applied lists", () => {
  let testbed: Testbed;
  let ns: string;
  let embedded: EmbeddedReconciler | undefined;

  beforeAll(async () => {
    testbed = await openTestbed();
    ns = await freshNamespace(testbed, "e2e-dupkeys");
    embedded = await startEmbedded(testbed, ns);
  });

  afterAll(async () => {
    await embedded?.stop();
    await closeTestbed(testbed, ns);
  });

  it("reach Ready with one entry per key in the live sets, the user's value winning", {
    timeout: 150_000,
  }, async () => {
    await applyCr(testbed, ns);
    const seen = await waitForShape(testbed, ns, SHAPE, "emqx", 120_000);
    expect(await failureEvents(testbed, ns)).toEqual([]);
    const pod = podSpecOf(seen.statefulSets);
    const emqx = pod.containers.find((c) => c.name === "emqx") as V1Container;
    const exporter = pod.containers.find((c) => c.name === "exporter") as V1Container;

    expect(repeated(emqx.env, (e) => e.name)).toEqual([]);
    expect(emqx.env?.find((e) => e.name === "EMQX_CLUSTER__DNS__RECORD_TYPE")?.value).toBe("a");
    expect(emqx.env?.find((e) => e.name === "EMQX_LOG__CONSOLE__LEVEL")?.value).toBe("debug");
    expect(emqx.env?.find((e) => e.name === "EMQX_HOST")?.value).toBe(
      "$(POD_NAME).$(EMQX_CLUSTER__DNS__NAME)",
    );
    expect(repeated(emqx.ports, (p) => `${p.containerPort}/${p.protocol}`)).toEqual([]);
    expect(repeated(emqx.volumeMounts, (m) => m.mountPath)).toEqual([]);
    expect(emqx.volumeMounts?.find((m) => m.mountPath === "/opt/extra")?.readOnly).toBe(true);
    expect(repeated(pod.volumes, (v) => v.name)).toEqual([]);
    expect(pod.volumes?.find((v) => v.name === "extra")?.emptyDir).toEqual({ medium: "Memory" });
    expect(exporter.env).toEqual([{ name: "MODE", value: "two" }]);
    expect(exporter.ports?.map((p) => `${p.name}:${p.containerPort}/${p.protocol}`)).toEqual([
      "metrics:9100/TCP",
    ]);

    const replicant = podSpecOf(seen.replicaSets).containers[0];
    expect(repeated(replicant?.env, (e) => e.name)).toEqual([]);
    expect(replicant?.env?.find((e) => e.name === "EMQX_CLUSTER__DNS__RECORD_TYPE")?.value).toBe("a");
  });
});

describe("a child write the apiserver keeps refusing", () => {
  let testbed: Testbed;
  let ns: string;
  let embedded: EmbeddedReconciler | undefined;
  const quota = {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "no-statefulsets" },
    spec: { hard: { "count/statefulsets.apps": "0" } },
  };

  beforeAll(async () => {
    testbed = await openTestbed();
    ns = await freshNamespace(testbed, "e2e-refused");
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(quota));
    embedded = await startEmbedded(testbed, ns);
  });

  afterAll(async () => {
    await embedded?.stop();
    await closeTestbed(testbed, ns);
  });

  it("R27 sets ReconcileFailed naming the StatefulSet, with one Warning event over several passes", {
    timeout: 90_000,
  }, async () => {
    await applyCr(testbed, ns);
    const cr = await waitFor("ReconcileFailed on the CR", async () => {
      const read = await readCr(testbed, ns, "emqx");
      return hasCondition(read, ConditionType.ReconcileFailed) ? read : undefined;
    });
    const failed = cr.status?.conditions?.find((c) => c.type === ConditionType.ReconcileFailed);
    expect(failed?.reason).toBe("ApplyStatefulSetFailed");
    expect(failed?.message).toMatch(
      new RegExp(`^apply StatefulSet ${ns}/emqx-core-[a-z0-9]{10} failed: 403 Forbidden: .*quota`),
    );
    expect(cr.status?.conditions?.map((c) => c.type)).toContain(ConditionType.CoreNodesProgressing);

    const failuresBefore = failingPasses(embedded);
    for (let pass = 0; pass < 3; pass++) await embedded?.settle();
    await waitFor(
      "a backoff pass",
      async () => (failingPasses(embedded) >= failuresBefore + 4 ? true : undefined),
      30_000,
    );
    const waits = failingLogs(embedded).map((l) => l.retryInSeconds as number);
    expect(waits[0]).toBe(5);
    expect(waits.every((w, i) => w >= (waits[i - 1] ?? 0) && w <= 300)).toBe(true);
    const events = await failureEvents(testbed, ns);
    expect(events).toHaveLength(1);
    expect(events[0]?.count ?? 1).toBe(1);
    expect(events[0]?.message).toBe(failed?.message);
    const sets = await testbed.gateway.listOwned("StatefulSet", ns, "emqx");
    expect(sets as KubeObject[]).toEqual([]);
  });

  it("clears the condition once the quota is gone, and reaches Ready", { timeout: 150_000 }, async () => {
    await kubectl(testbed, ["delete", "resourcequota", "no-statefulsets", "-n", ns]);
    await embedded?.settle();
    await waitForShape(testbed, ns, SHAPE, "emqx", 120_000);
    expect(hasCondition(await readCr(testbed, ns, "emqx"), ConditionType.ReconcileFailed)).toBe(false);
    expect(await failureEvents(testbed, ns)).toHaveLength(1);
  });
});

describe("a child the apiserver refuses as invalid", () => {
  let testbed: Testbed;
  let ns: string;
  let embedded: EmbeddedReconciler | undefined;
  const badMount = { name: "missing", mountPath: "/opt/missing" };

  beforeAll(async () => {
    testbed = await openTestbed();
    ns = await freshNamespace(testbed, "e2e-invalid");
    embedded = await startEmbedded(testbed, ns);
  });

  afterAll(async () => {
    await embedded?.stop();
    await closeTestbed(testbed, ns);
  });

  it("R23 reports the 422 at once, naming the field, and clears it when the spec is fixed", {
    timeout: 150_000,
  }, async () => {
    const cr = structuredClone(REPEATED_KEYS_CR);
    (cr.spec.coreTemplate.spec as { extraVolumeMounts: object[] }).extraVolumeMounts.push(badMount);
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(cr));
    const failed = await waitFor("ReconcileFailed on the CR", async () => {
      const read = await readCr(testbed, ns, "emqx");
      return read?.status?.conditions?.find((c) => c.type === ConditionType.ReconcileFailed);
    });
    expect(failed.reason).toBe("ApplyStatefulSetFailed");
    expect(failed.message).toMatch(
      /field spec\.template\.spec\.containers\[0\]\.volumeMounts\[\d+\]\.name: 422 Invalid/,
    );
    expect(failed.message).toContain("missing");
    await embedded?.settle();
    expect(await failureEvents(testbed, ns)).toHaveLength(1);

    await applyCr(testbed, ns);
    await waitForShape(testbed, ns, SHAPE, "emqx", 120_000);
    expect(hasCondition(await readCr(testbed, ns, "emqx"), ConditionType.ReconcileFailed)).toBe(false);
  });
});

/** Log lines of the passes that ended reporting a failure. */
function failingLogs(embedded: EmbeddedReconciler | undefined): Array<Record<string, unknown>> {
  return (embedded?.logs ?? []).filter((l) => l.msg === "Reconcile failed: a write keeps failing");
}

/** Passes that ended reporting a failure, from the reconciler's log. */
function failingPasses(embedded: EmbeddedReconciler | undefined): number {
  return failingLogs(embedded).length;
}
