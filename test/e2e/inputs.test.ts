/**
 * Inputs that fit, under the embedded reconciler of `run`: a 300 KiB `config.data` (over the 256 KiB that
 * Kubernetes allows for all annotations of an object together) reaches Ready and is pushed again when it changes,
 * with only a digest in the CR's `last-emqx-configuration` annotation and no failed write; a config at the limit
 * (1 MiB − 1 KiB) fits its ConfigMap and reaches Ready, one byte more is refused up front; zero cores is refused
 * up front (InvalidSpec condition, one Warning event, no child touched) unless the CR says the pause is deliberate.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_CONFIG_BYTES } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  childVersions,
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  patchCr,
  readCr,
  SEED_EXAMPLE,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const LAST_CONFIG = "apps.emqx.io/last-emqx-configuration";
const KIB_300 = 300 * 1024;

/** A valid config of at least 300 KiB: the seed's license, `marker` as the console log level, comment lines. */
function largeConfig(marker: string): string {
  const head = `license {\n  key = "evaluation"\n}\nlog.console.level = ${marker}\n`;
  const line = "# a long comment line that pads the config of this test to its size\n";
  return head + line.repeat(Math.ceil(KIB_300 / line.length));
}

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-inputs");
  embedded = await startEmbedded(testbed, ns);
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

const failures = () => embedded.logs.filter((l) => l.msg === "Reconcile failed");

describe("inputs that fit", { timeout: 150_000 }, () => {
  it("a 300 KiB config.data reaches Ready, recorded as a digest, with no failed write", async () => {
    // Prepare: the seed with a 300 KiB config, created as kubectl create does (client-side `kubectl apply` would
    // copy the whole object into its own last-applied annotation, which the apiserver caps at 256 KiB).
    const cr = parse(readFileSync(SEED_EXAMPLE, "utf8")) as { spec: { config: { data: string } } };
    cr.spec.config.data = largeConfig("warning");
    expect(Buffer.byteLength(cr.spec.config.data)).toBeGreaterThan(KIB_300);

    // Act
    await kubectl(testbed, ["create", "-n", ns, "-f", "-"], JSON.stringify(cr));
    const ready = await waitForShape(testbed, ns, SEED_SHAPE);

    // Assess
    const annotation = ready.cr?.metadata?.annotations?.[LAST_CONFIG];
    expect(annotation).toMatch(/^sha256:[0-9a-f]{64}$/);
    const configMap = await testbed.gateway.get("ConfigMap", ns, "emqx-configs");
    const stored = (configMap?.data as Record<string, string> | undefined)?.["emqx.conf"];
    expect(stored?.endsWith(cr.spec.config.data)).toBe(true);
    expect(failures()).toEqual([]);
  });

  it("a changed 300 KiB config reaches EMQX and the annotation follows, without a 422 loop", async () => {
    // Prepare
    const before = (await readCr(testbed, ns))?.metadata?.annotations?.[LAST_CONFIG];

    // Act
    const patchFile = join(mkdtempSync(join(tmpdir(), "e2e-inputs-")), "patch.json");
    writeFileSync(patchFile, JSON.stringify({ spec: { config: { data: largeConfig("debug") } } }));
    await kubectl(testbed, ["patch", "emqx", "emqx", "-n", ns, "--type=merge", "--patch-file", patchFile]);
    await waitFor(
      "the emulated cluster to run the new config",
      async () => {
        const cluster = (await testbed.emulator.clusters()).find((c) => c.key === `${ns}/emqx`);
        return /level\s*=\s*"?debug/.test(cluster?.config ?? "") ? true : undefined;
      },
      90_000,
      async () => ({
        logs: embedded.logs.filter((l) => l.level !== "debug").slice(-8),
        config: (await testbed.emulator.clusters())
          .find((c) => c.key === `${ns}/emqx`)
          ?.config?.slice(0, 400),
      }),
    );
    const after = await waitFor("the annotation to record the new config", async () => {
      const now = (await readCr(testbed, ns))?.metadata?.annotations?.[LAST_CONFIG];
      return now !== before ? now : undefined;
    });
    await embedded.settle();
    const settled = await readCr(testbed, ns);
    await embedded.settle();

    // Assess: one annotation write, then a converged CR that no pass writes again.
    expect(after).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await readCr(testbed, ns))?.metadata?.resourceVersion).toBe(settled?.metadata?.resourceVersion);
    expect(failures()).toEqual([]);
  });

  it("R18, R40 a config.data at the limit (1 MiB − 1 KiB) reaches Ready; one byte more is refused up front", async () => {
    // Prepare: a one-core CR whose config is exactly at the limit, and a twin one byte over it.
    const atLimit = (name: string, extra: string) => {
      const head = 'license {\n  key = "evaluation"\n}\n';
      const data = `${head}${"#".repeat(MAX_CONFIG_BYTES - head.length - 1)}\n${extra}`;
      const spec = { image: "emqx/emqx:6.0.1", config: { data }, coreTemplate: { spec: { replicas: 1 } } };
      return { apiVersion: "apps.emqx.io/v2beta1", kind: "EMQX", metadata: { name, namespace: ns }, spec };
    };
    const fits = atLimit("at-limit", "");
    const over = atLimit("over-limit", "#");
    expect(Buffer.byteLength(fits.spec.config.data)).toBe(MAX_CONFIG_BYTES);

    // Act
    for (const cr of [fits, over]) await kubectl(testbed, ["create", "-f", "-"], JSON.stringify(cr));
    await waitFor("the at-limit CR Ready with its core", async () => {
      const cr = await readCr(testbed, ns, "at-limit");
      return hasCondition(cr, "Ready") && cr?.status?.coreNodes?.length === 1 ? true : undefined;
    });
    const refused = await waitFor("the over-limit CR refused", async () => {
      const now = await readCr(testbed, ns, "over-limit");
      return hasCondition(now, "InvalidSpec", "InvalidSpec") ? now : undefined;
    });

    // Assess
    const configMap = await testbed.gateway.get("ConfigMap", ns, "at-limit-configs");
    const stored = Object.entries((configMap?.data as Record<string, string> | undefined) ?? {});
    const bytes = stored.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    console.log(`ConfigMap of a config.data at the limit: ${bytes} of 1048576 bytes`);
    expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(refused.status?.conditions?.find((c) => c.type === "InvalidSpec")?.message).toBe(
      `spec.config.data: config.data has ${MAX_CONFIG_BYTES + 1} bytes, more than the limit of ${MAX_CONFIG_BYTES} bytes (it is stored in a ConfigMap, which holds at most 1 MiB)`,
    );
    expect(await testbed.gateway.listOwned("StatefulSet", ns, "over-limit")).toEqual([]);
    expect(failures()).toEqual([]);
    await kubectl(testbed, ["delete", "emqx", "at-limit", "over-limit", "-n", ns, "--wait=false"]);
  });

  it("R38 refuses zero cores with InvalidSpec and one Warning event, touching no child", async () => {
    // Prepare
    await embedded.settle();
    const before = await childVersions(testbed, ns);

    // Act
    await patchCr(testbed, ns, { spec: { coreTemplate: { spec: { replicas: 0 } } } });
    const refused = await waitFor("the InvalidSpec condition", async () => {
      const now = await readCr(testbed, ns);
      return hasCondition(now, "InvalidSpec", "InvalidSpec") ? now : undefined;
    });
    await embedded.settle();

    // Assess
    expect(await childVersions(testbed, ns)).toEqual(before);
    const events = await testbed.gateway.listEvents(ns, "emqx", "InvalidSpec");
    expect(events.filter((e) => e.involvedObject?.uid === refused.metadata?.uid)).toMatchObject([
      { type: "Warning", count: 1, message: expect.stringContaining("apps.emqx.io/allow-zero-cores") },
    ]);
  });

  it("stops every core when the CR says the pause is deliberate", async () => {
    // Act
    await patchCr(testbed, ns, { metadata: { annotations: { "apps.emqx.io/allow-zero-cores": "true" } } });

    // Assess
    // The set is applied before the status of the same pass is written: wait for both.
    await waitFor("the core StatefulSet at 0 replicas and InvalidSpec gone", async () => {
      const sets = await testbed.gateway.listOwned("StatefulSet", ns, "emqx");
      const stopped = sets.length === 1 && (sets[0]?.spec as { replicas?: number })?.replicas === 0;
      return stopped && !hasCondition(await readCr(testbed, ns), "InvalidSpec") ? true : undefined;
    });
    expect(hasCondition(await readCr(testbed, ns), "InvalidSpec")).toBe(false);
  });
});
