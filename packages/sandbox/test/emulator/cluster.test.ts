import { describe, expect, it } from "vitest";
import { parseBootstrapKeys } from "../../src/emulator/apiKeys.ts";
import { EmulatedEmqx } from "../../src/emulator/cluster.ts";
import { computePodFacts, type PodFacts } from "../../src/emulator/podFacts.ts";
import { computeVersionInfo } from "../../src/emulator/versions.ts";
import { buildPod, type TestPodOptions } from "./pods.ts";

const facts = (o: TestPodOptions): PodFacts => {
  const f = computePodFacts(buildPod(o), Date.now());
  if (!f) throw new Error("test pod is not running");
  return f;
};

describe("EmulatedEmqx", () => {
  it("groups pods by namespace and instance label into clusters", () => {
    const emqx = new EmulatedEmqx();
    emqx.startNode(facts({ name: "a-core-0", ip: "127.9.0.1", role: "core", cluster: "a" }), {});
    emqx.startNode(facts({ name: "b-core-0", ip: "127.9.0.2", role: "core", cluster: "b" }), {});
    emqx.startNode(
      facts({ name: "a-core-0", ip: "127.9.0.3", role: "core", cluster: "a", namespace: "other" }),
      {},
    );
    expect([...emqx.clusters.keys()].sort()).toEqual(["default/a", "default/b", "other/a"]);
  });

  it("keeps a stopped core, forgets a stopped replicant, and forgets a cluster with nothing running", () => {
    const emqx = new EmulatedEmqx();
    emqx.startNode(facts({ name: "emqx-core-0", ip: "127.9.0.1", role: "core" }), {});
    emqx.startNode(facts({ name: "emqx-core-1", ip: "127.9.0.2", role: "core" }), {});
    emqx.startNode(facts({ name: "emqx-repl-a", ip: "127.9.0.3", role: "replicant" }), {});
    emqx.stopPod("default/emqx-core-1");
    emqx.stopPod("default/emqx-repl-a");
    const cluster = emqx.clusters.get("default/emqx");
    expect([...(cluster?.nodes.values() ?? [])].map((n) => [n.name.split(".")[0], Boolean(n.facts)])).toEqual(
      [
        ["emqx@emqx-core-0", true],
        ["emqx@emqx-core-1", false],
      ],
    );
    emqx.stopPod("default/emqx-core-0");
    expect(emqx.clusters.size).toBe(0);
  });

  it("loads the config on a cold start only, and bootstrap keys on every core start", () => {
    const emqx = new EmulatedEmqx();
    emqx.startNode(facts({ name: "emqx-core-0", ip: "127.9.0.1", role: "core" }), {
      configText: "log.level = info",
      bootstrapKeys: "k1:s1",
    });
    emqx.startNode(facts({ name: "emqx-core-1", ip: "127.9.0.2", role: "core" }), {
      configText: "log.level = debug",
      bootstrapKeys: "k2:s2",
    });
    emqx.startNode(facts({ name: "emqx-repl-a", ip: "127.9.0.3", role: "replicant" }), {
      bootstrapKeys: "k3:s3",
    });
    const cluster = emqx.clusters.get("default/emqx");
    expect(cluster?.config.log).toEqual({ level: "info" });
    expect([...(cluster?.apiKeys.keys() ?? [])]).toEqual(["k1", "k2"]);
  });

  it("reports a ConfigMap that does not parse and starts with defaults", () => {
    const emqx = new EmulatedEmqx();
    const problem = emqx.startNode(facts({ name: "emqx-core-0", ip: "127.9.0.1", role: "core" }), {
      configText: "a = {",
    });
    expect(problem).toMatch(/^emqx\.conf line 1, column \d+: /);
    expect(emqx.clusters.get("default/emqx")?.config.dashboard).toBeDefined();
  });
});

describe("parseBootstrapKeys", () => {
  it("reads key:secret[:role] and stops at the first bad line", () => {
    const keys = parseBootstrapKeys(
      "a:1\n\n b:2:viewer \nc:3:root\nd:4",
      computeVersionInfo("emqx/emqx:6.0.1"),
    );
    expect(Object.fromEntries(keys)).toEqual({
      a: { secret: "1", role: "administrator" },
      b: { secret: "2", role: "viewer" },
    });
  });

  it("takes everything after the first colon as the secret before 5.4, and only administrator in Opensource 5.x", () => {
    expect(parseBootstrapKeys("a:1:viewer", computeVersionInfo("emqx/emqx:5.3.2")).get("a")?.secret).toBe(
      "1:viewer",
    );
    expect(parseBootstrapKeys("a:1:viewer", computeVersionInfo("emqx/emqx:5.8.9")).size).toBe(0);
  });
});
