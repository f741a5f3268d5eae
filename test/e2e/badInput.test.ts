/**
 * Replica counts and names that cannot work, applied with kubectl to the sandbox under the embedded reconciler of
 * `run`: what the CRD's schema can refuse, the apiserver refuses; what it cannot, the reconciler refuses with an
 * `InvalidSpec` condition and one Warning event naming the field, before it writes any child.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  type EmqxObject,
  freshNamespace,
  hasCondition,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

function cr(name: string, coreReplicas: unknown): object {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name, namespace: ns },
    spec: { image: "emqx/emqx:6.0.1", coreTemplate: { spec: { replicas: coreReplicas } } },
  };
}

/** `kubectl apply` of one object: its exit code and what it printed on stderr. */
async function apply(obj: object): Promise<{ code: number; stderr: string }> {
  const result = await testbed.sandbox.kubectl(["apply", "-f", "-"], { input: JSON.stringify(obj) });
  return { code: result.code ?? 1, stderr: result.stderr };
}

/** Waits for `InvalidSpec` on the CR, then checks one Warning event and not a single child of any kind. */
async function expectRefusedUpFront(name: string, message: RegExp): Promise<void> {
  const refused = await waitFor(`InvalidSpec on ${name}`, async () => {
    const now = await readCr(testbed, ns, name);
    return hasCondition(now, "InvalidSpec") ? now : undefined;
  });
  await embedded.settle();
  expect(conditionMessage(refused)).toMatch(message);
  const events = await testbed.gateway.listEvents(ns, name, "InvalidSpec");
  expect(events.map((e) => [e.type, e.count ?? 1])).toEqual([["Warning", 1]]);
  const children = await testbed.gateway.listChildren(ns, name);
  expect(Object.values(children).flat()).toEqual([]);
}

function conditionMessage(obj: EmqxObject): string {
  return obj.status?.conditions?.find((c) => c.type === "InvalidSpec")?.message ?? "";
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-bad-input");
  embedded = await startEmbedded(testbed, ns);
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("input the reconciler refuses", { timeout: 90_000 }, () => {
  it("R38 replicas -1 or a string are refused by the apiserver; a million gets InvalidSpec and no child", async () => {
    const negative = await apply(cr("negative", -1));
    const text = await apply(cr("text", "3"));
    expect(negative.code).not.toBe(0);
    expect(negative.stderr).toMatch(
      /spec\.coreTemplate\.spec\.replicas.*should be greater than or equal to 0/,
    );
    expect(text.code).not.toBe(0);
    expect(text.stderr).toMatch(/spec\.coreTemplate\.spec\.replicas.*must be of type integer/);
    expect(await readCr(testbed, ns, "negative")).toBeUndefined();
    expect(await readCr(testbed, ns, "text")).toBeUndefined();

    expect((await apply(cr("million", 1_000_000))).code).toBe(0);
    await expectRefusedUpFront("million", /spec\.coreTemplate\.spec\.replicas.*at most 100/);
  });

  it("R39 a 50-character name gets InvalidSpec naming the field, and no child", async () => {
    const name = `emqx-${"n".repeat(45)}`;
    expect(name).toHaveLength(50);
    expect((await apply(cr(name, 1))).code).toBe(0);
    await expectRefusedUpFront(name, /metadata\.name/);
  });
});
