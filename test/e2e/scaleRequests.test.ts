/**
 * Scale requests that cannot hurt, on the sandbox: what the scale function does with a `ScaleRequest` (parse, then
 * `runScale` over the same Kubernetes port), against the live apiserver while the embedded reconciler of `run`
 * serves the CR. Cores to 0 is refused and the CR is unchanged; a request outside the CR's bounds is refused with a
 * Warning Event; one inside them scales, with an Event naming who asked and what changed.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { KubeHttp, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { type ScaleRequest, ScaleRequestSchema } from "@emqx-reconciler/api";
import { kubeScalePort, runScale, type ScaleOrigin } from "@emqx-reconciler/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  openTestbed,
  patchCr,
  readCr,
  SEED_NAME,
  type Testbed,
} from "./support/testbed.ts";

const run = promisify(execFile);

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
let http: KubeHttp;

const origin: ScaleOrigin = { source: "emqx-reconciler.scale", account: "123456789012", eventId: "e2e-1" };
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The scale function's path for one request detail: the schema, then the workflow; `refused` when either says no. */
async function sendScale(detail: Record<string, unknown>): Promise<string> {
  const parsed = ScaleRequestSchema.safeParse({ cluster: "e2e", namespace: ns, name: SEED_NAME, ...detail });
  if (!parsed.success) return "refused by the schema";
  return runScale({ kube: kubeScalePort(http), logger }, parsed.data as ScaleRequest, origin);
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-scalereq");
  embedded = await startEmbedded(testbed, ns);
  http = new KubeHttp({ kubeConfig: loadKubeconfigFile(testbed.sandbox.kubeconfigPath) });
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await http?.close();
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("scale requests", { timeout: 120_000 }, () => {
  it("R38 refuses cores to 0 and leaves the CR unchanged", async () => {
    const before = await readCr(testbed, ns);
    expect(await sendScale({ role: "core", replicas: 0 })).toBe("refused by the schema");
    const bypass = { cluster: "e2e", namespace: ns, name: SEED_NAME, role: "core", replicas: 0 } as const;
    expect(await runScale({ kube: kubeScalePort(http), logger }, bypass, origin)).toBe("rejected");
    expect((await readCr(testbed, ns))?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
  });

  it("refuses a request outside the CR's bounds with a Warning Event, and scales inside them", async () => {
    // Prepare
    await patchCr(testbed, ns, { metadata: { annotations: { "apps.emqx.io/scale-max-replicants": "4" } } });
    const bounded = await readCr(testbed, ns);

    // Act
    const over = await sendScale({ role: "replicant", replicas: 5, requestedBy: "e2e-autoscaler" });

    // Assess
    expect(over).toBe("rejected");
    expect((await readCr(testbed, ns))?.metadata?.resourceVersion).toBe(bounded?.metadata?.resourceVersion);
    expect(await testbed.gateway.listEvents(ns, SEED_NAME, "ScaleRequestRefused")).toMatchObject([
      {
        type: "Warning",
        message:
          'Refused a scale request from emqx-reconciler.scale, account 123456789012, requested by "e2e-autoscaler", event e2e-1: replicants → 5: outside the CR\'s bounds for replicants (0…4)',
      },
    ]);

    // Act
    const within = await sendScale({ role: "replicant", replicas: 4, requestedBy: "e2e-autoscaler" });

    // Assess
    expect(within).toBe("scaled");
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 });
    expect(await testbed.gateway.listEvents(ns, SEED_NAME, "ScaleRequested")).toMatchObject([
      {
        type: "Normal",
        message:
          'Scale request from emqx-reconciler.scale, account 123456789012, requested by "e2e-autoscaler", event e2e-1: replicants 3 → 4',
      },
    ]);
  });
});

describe("scale requests in, embedded", { timeout: 120_000 }, () => {
  it("`emqx-reconciler scale ns/name --replicas +1` resolves the delta against the spec and scales", async () => {
    // Prepare
    await patchCr(testbed, ns, { metadata: { annotations: { "apps.emqx.io/scale-max-replicants": "5" } } });
    const main = join(import.meta.dirname, "../../packages/cli/src/main.ts");
    const args = [main, "scale", `${ns}/${SEED_NAME}`, "--replicas", "+1"];

    // Act
    const result = await run(process.execPath, [...args, "--kubeconfig", testbed.sandbox.kubeconfigPath]);

    // Assess
    expect(result.stdout.trim()).toBe(`${ns}/${SEED_NAME} replicants → 5`);
    await waitForShape(testbed, ns, { cores: 2, replicants: 5 });
    const events = await testbed.gateway.listEvents(ns, SEED_NAME, "ScaleRequested");
    expect(events.map((e) => e.message)).toContain(
      'Scale request from emqx-reconciler.cli, requested by "emqx-reconciler scale": replicants 4 → 5',
    );
    const refused = await run(process.execPath, [
      ...args,
      "--kubeconfig",
      testbed.sandbox.kubeconfigPath,
    ]).catch((error: { code?: number; stderr?: string }) => error);
    expect(refused).toMatchObject({ code: 1 });
  });

  it("serves a ScaleRequest put on run's embedded bus", async () => {
    const detail = { cluster: "e2e", namespace: ns, name: SEED_NAME, role: "replicant", replicas: 4 };
    const put = await embedded.reconciler.runtime.bus.putEvents([
      { Source: "emqx-reconciler.scale", DetailType: "ScaleRequest", Detail: JSON.stringify(detail) },
    ]);
    expect(put.FailedEntryCount).toBe(0);
    await embedded.reconciler.runtime.bus.idle();
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 });
  });
});
