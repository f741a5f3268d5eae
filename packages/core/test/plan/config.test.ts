import { createHash } from "node:crypto";
import type { V1ConfigMap } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { mergedConfig } from "../../src/hocon/emqxConf.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { driveToReady } from "./toReady.ts";

const LAST_CONFIG = "apps.emqx.io/last-emqx-configuration";

/** What `sha256sum` prints for `text`, in the annotation's `sha256:<hex>` form. */
const digestOf = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

function readyCluster(): SimulatedCluster {
  return driveToReady(new SimulatedCluster(makeCr({ config: { data: "log.console.level = info" } })));
}

describe("plan: config.data changes (syncConfig)", () => {
  it("records the first config without pushing it (the pods boot from the ConfigMap)", () => {
    const sim = new SimulatedCluster(makeCr({ config: { data: "log.console.level = info" } }));
    const p = sim.plan();
    expect(p.configPush).toBeUndefined();
    expect(p.crAnnotations).toEqual({ [LAST_CONFIG]: digestOf("log.console.level = info") });
  });

  it("pushes a changed config to EMQX once the cores are ready, and rewrites the ConfigMap", () => {
    // Prepare
    const sim = readyCluster();
    (sim.cr.spec as { config: { data: string; mode?: string } }).config = {
      data: "log.console.level = debug",
      mode: "Replace",
    };

    // Act
    const p = sim.step();
    const after = sim.plan();

    // Assess
    expect(p.configPush).toEqual({ mode: "replace", body: mergedConfig("log.console.level = debug") });
    expect(p.crAnnotations).toEqual({ [LAST_CONFIG]: digestOf("log.console.level = debug") });
    const configMap = p.apply.find((o) => o.kind === "ConfigMap") as V1ConfigMap;
    expect(configMap.data?.["emqx.conf"]).toBe(mergedConfig("log.console.level = debug"));
    expect(p.apply.filter((o) => o.kind === "StatefulSet").map((o) => o.metadata?.name)).toEqual(
      sim.setsOf("StatefulSet").map((s) => s.metadata?.name),
    );
    expect(p.events).toEqual([expect.objectContaining({ reason: "ConfigUpdated" })]);
    expect(after.configPush).toBeUndefined();
  });

  it("R25 a pass that died between the config push and the annotation pushes the same config again, then records it", () => {
    // Prepare: a changed config, and a pass whose push went out but whose annotation write never happened.
    const sim = readyCluster();
    (sim.cr.spec as { config: { data: string } }).config = { data: "log.console.level = debug" };
    const died = sim.plan();

    // Act: the next pass sees the same CR (no annotation), then one that completes.
    const again = sim.plan();
    sim.applyPlan(again);
    sim.settle();
    const after = sim.plan();

    // Assess
    expect(died.configPush).toEqual({ mode: "merge", body: mergedConfig("log.console.level = debug") });
    expect(again.configPush).toEqual(died.configPush);
    expect(again.crAnnotations).toEqual({ [LAST_CONFIG]: digestOf("log.console.level = debug") });
    expect(sim.cr.metadata?.annotations?.[LAST_CONFIG]).toBe(digestOf("log.console.level = debug"));
    expect(after.configPush).toBeUndefined();
    expect(after.crAnnotations).toBeUndefined();
  });

  it("keeps the ConfigMap current but does not push while the cores are not ready (fix of #1134)", () => {
    // Prepare
    const sim = readyCluster();
    (sim.cr.spec as { config: { data: string } }).config = { data: "log.console.level = debug" };

    // Act
    const p = sim.plan({ api: { state: "unreachable-no-ready-core" } });

    // Assess
    expect(p.configPush).toBeUndefined();
    expect(p.crAnnotations).toBeUndefined();
    const configMap = p.apply.find((o) => o.kind === "ConfigMap") as V1ConfigMap;
    expect(configMap.data?.["emqx.conf"]).toBe(mergedConfig("log.console.level = debug"));
  });

  it("records a 300 KiB config as a 71-character digest, never as a second copy of the text", () => {
    const data = `${"# filler line of a large config, 47 bytes long\n".repeat(6600)}log.console.level = info\n`;
    const p = new SimulatedCluster(makeCr({ config: { data } })).plan();
    expect(Buffer.byteLength(data)).toBeGreaterThan(300 * 1024);
    expect(p.crAnnotations?.[LAST_CONFIG]).toHaveLength(71);
    expect(p.crAnnotations?.[LAST_CONFIG]).toBe(digestOf(data));
  });

  it("takes over the operator's plain-text annotation: same config → digest, no push; other config → push", () => {
    // Prepare: the operator recorded the text of what it pushed.
    const sim = readyCluster();
    sim.cr.metadata.annotations = { [LAST_CONFIG]: "log.console.level = info" };

    // Act
    const same = sim.step();
    const settled = sim.plan();

    // Assess: EMQX already runs this config; only the annotation changes form.
    expect(same.configPush).toBeUndefined();
    expect(same.crAnnotations).toEqual({ [LAST_CONFIG]: digestOf("log.console.level = info") });
    expect(settled.crAnnotations).toBeUndefined();

    // Act: an operator annotation for another config than the spec's.
    sim.cr.metadata.annotations = { [LAST_CONFIG]: "log.console.level = warning" };
    const changed = sim.plan();

    // Assess
    expect(changed.configPush).toEqual({ mode: "merge", body: mergedConfig("log.console.level = info") });
    expect(changed.crAnnotations).toEqual({ [LAST_CONFIG]: digestOf("log.console.level = info") });
  });

  it("takes Service ports from the live config, falling back to the spec's when it cannot be parsed", () => {
    // Prepare
    const sim = readyCluster();
    const view = sim.view();
    if (view.state !== "ok") throw new Error("expected an ok view");

    // Act
    const live = sim.plan({ api: { ...view, liveConfig: "listeners.tcp.extra.bind = 11883" } });
    const garbage = sim.plan({ api: { ...view, liveConfig: "listeners { " } });

    // Assess
    const portsOf = (p: typeof live) =>
      (
        p.apply.find((o) => o.metadata?.name === "emqx-listeners") as {
          spec: { ports: Array<{ name: string }> };
        }
      ).spec.ports.map((x) => x.name);
    expect(portsOf(live)).toEqual(["tcp-extra"]);
    expect(portsOf(garbage)).toEqual(["ssl-default", "tcp-default", "ws-default", "wss-default"]);
  });
});
