import { ANNOTATION_CREDENTIALS_GENERATION } from "@emqx-reconciler/api";
import type { V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { credentialSource } from "../../src/plan/credentials.ts";
import { templateCredentialsGeneration } from "../../src/plan/secrets.ts";
import type { Plan } from "../../src/plan/types.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { runToReady } from "./toReady.ts";

const FIRST = { password: "a1".repeat(32), cookie: "firstcookie".repeat(4) };
const FRESH = { password: "z9".repeat(32), cookie: "freshcookie".repeat(4) };

function created(p: Plan, name: string): V1Secret | undefined {
  return p.create.find((o) => o.metadata?.name === name) as V1Secret | undefined;
}

/** A Ready cluster whose Secrets were made from {@link FIRST}. */
function readyWorld(spec: Record<string, unknown> = {}): SimulatedCluster {
  const world = new SimulatedCluster(makeCr(spec));
  world.applyPlan(world.plan({ random: FIRST }));
  runToReady(world);
  return world;
}

/** The pod-template annotations of the core sets. */
function templateAnnotations(world: SimulatedCluster) {
  return world.setsOf("StatefulSet").map((s) => (s as V1StatefulSet).spec?.template?.metadata?.annotations);
}

/** Everything a pass writes where people and tools can read it: status, annotations, events. */
function visibleText(p: Plan): string {
  return JSON.stringify([p.status, p.crAnnotations ?? {}, p.events]);
}

describe("plan: credentials that survive a deleted Secret", () => {
  it("a fresh CR creates the state copy with the values of both generated Secrets", () => {
    // Prepare
    const world = new SimulatedCluster();

    // Act
    const p = world.plan({ random: FIRST });

    // Assess
    expect(created(p, "emqx-reconciler-state")).toMatchObject({
      immutable: true,
      stringData: { controller_password: FIRST.password, node_cookie: FIRST.cookie },
      metadata: { ownerReferences: [{ kind: "EMQX", uid: "cr-uid" }] },
    });
    expect(created(p, "emqx-bootstrap-api-key")?.stringData?.bootstrap_api_key).toBe(
      `emqx-operator-controller:${FIRST.password}`,
    );
    expect(created(p, "emqx-node-cookie")?.stringData?.node_cookie).toBe(FIRST.cookie);
    expect(p.events.map((e) => e.reason)).not.toContain("CredentialsRegenerated");
  });

  it("reads no Secret value once all three Secrets exist", () => {
    // Prepare
    const world = readyWorld();

    // Act
    const source = credentialSource("emqx", world.observed().secrets);

    // Assess
    expect(source).toBeUndefined();
  });

  it.each([
    ["emqx-bootstrap-api-key", "bootstrap_api_key", `emqx-operator-controller:${FIRST.password}`],
    ["emqx-node-cookie", "node_cookie", FIRST.cookie],
  ])(
    "a deleted %s comes back with the values the pods use, and says so without them",
    (secret, key, value) => {
      // Prepare
      const world = readyWorld();
      world.secrets.delete(`Secret/${secret}`);
      expect(credentialSource("emqx", world.observed().secrets)).toBe("state");
      const observed = { ...world.observed(), knownCredentials: FIRST };

      // Act
      const p = world.plan({ observed, random: FRESH });

      // Assess
      expect(p.create.map((o) => o.metadata?.name)).toEqual([secret]);
      expect(created(p, secret)?.stringData?.[key]).toBe(value);
      expect(p.events).toContainEqual({
        type: "Normal",
        reason: "CredentialsRestored",
        message: `Secret ${secret} was missing: recreated with the values the running pods use (kept in Secret emqx-reconciler-state)`,
      });
      expect(visibleText(p)).not.toContain(FIRST.password);
      expect(visibleText(p)).not.toContain(FIRST.cookie);
    },
  );

  it("a deleted state copy is backfilled from the generated Secrets, with no event", () => {
    // Prepare
    const world = readyWorld();
    world.secrets.delete("Secret/emqx-reconciler-state");
    expect(credentialSource("emqx", world.observed().secrets)).toBe("generated");
    const observed = { ...world.observed(), knownCredentials: FIRST };

    // Act
    const p = world.plan({ observed, random: { password: "", cookie: "" } });

    // Assess
    expect(p.create.map((o) => o.metadata?.name)).toEqual(["emqx-reconciler-state"]);
    expect(created(p, "emqx-reconciler-state")?.stringData).toEqual({
      controller_password: FIRST.password,
      node_cookie: FIRST.cookie,
    });
    expect(p.events.filter((e) => e.reason.startsWith("Credentials"))).toEqual([]);
  });

  it("with no copy left, new values are created under a new credentials generation that replaces the pods", () => {
    // Prepare
    const world = readyWorld();
    const setsBefore = world.setsOf("StatefulSet").map((s) => s.metadata?.name);
    const before = templateAnnotations(world);
    world.secrets.delete("Secret/emqx-reconciler-state");
    world.secrets.delete("Secret/emqx-bootstrap-api-key");
    const observed = { ...world.observed(), knownCredentials: { cookie: FIRST.cookie } };
    const generation = new Date(world.now).toISOString().replace(/\.\d+Z$/, "Z");

    // Act
    const p = world.plan({ observed, random: FRESH });
    world.applyPlan(p);
    world.settle();
    const next = world.plan();

    // Assess
    expect(created(p, "emqx-bootstrap-api-key")?.stringData?.bootstrap_api_key).toBe(
      `emqx-operator-controller:${FRESH.password}`,
    );
    expect(created(p, "emqx-reconciler-state")?.stringData).toEqual({
      controller_password: FRESH.password,
      node_cookie: FIRST.cookie,
    });
    for (const o of p.create)
      expect(o.metadata?.annotations?.[ANNOTATION_CREDENTIALS_GENERATION]).toBe(generation);
    expect(before.every((a) => a?.[ANNOTATION_CREDENTIALS_GENERATION] === undefined)).toBe(true);
    // A new template: a new core set (the blue-green replacement of every pod) carrying the generation.
    const newSet = p.apply.find((o) => o.kind === "StatefulSet") as V1StatefulSet | undefined;
    expect(setsBefore).not.toContain(newSet?.metadata?.name);
    expect(newSet?.spec?.template?.metadata?.annotations?.[ANNOTATION_CREDENTIALS_GENERATION]).toBe(
      generation,
    );
    expect(p.events.filter((e) => e.reason.startsWith("Credentials"))).toEqual([
      {
        type: "Warning",
        reason: "CredentialsRegenerated",
        message:
          "Secret emqx-bootstrap-api-key was missing and no copy of its values was left: created with new values " +
          `(credentials generation ${generation}); the pods are replaced so that they load them`,
      },
    ]);
    // The next pass reads the generation back from the Secrets: the same templates, nothing created.
    expect(next.create).toEqual([]);
    const again = next.apply.find((o) => o.kind === "StatefulSet") as V1StatefulSet;
    expect(again.spec?.template?.metadata?.annotations?.[ANNOTATION_CREDENTIALS_GENERATION]).toBe(generation);
    expect(templateCredentialsGeneration(world.setsOf("StatefulSet") as V1StatefulSet[])).toBe(generation);
  });

  it("a Secret restored from a copy keeps the generation the others carry", () => {
    // Prepare
    const world = readyWorld();
    world.secrets.delete("Secret/emqx-reconciler-state");
    world.secrets.delete("Secret/emqx-bootstrap-api-key");
    world.applyPlan(
      world.plan({ observed: { ...world.observed(), knownCredentials: { cookie: FIRST.cookie } } }),
    );
    const generation = world
      .observed()
      .secrets.find((s) => s.name === "emqx-reconciler-state")?.credentialsGeneration;
    world.secrets.delete("Secret/emqx-node-cookie");
    const observed = {
      ...world.observed(),
      knownCredentials: { password: FRESH.password, cookie: FIRST.cookie },
    };

    // Act
    const p = world.plan({ observed });

    // Assess
    expect(generation).toBeDefined();
    expect(created(p, "emqx-node-cookie")?.metadata?.annotations?.[ANNOTATION_CREDENTIALS_GENERATION]).toBe(
      generation,
    );
    expect(p.events.map((e) => e.reason)).toContain("CredentialsRestored");
    expect(p.events.map((e) => e.reason)).not.toContain("CredentialsRegenerated");
  });

  it("a cookie set by config.data is recreated from the config, with no event", () => {
    // Prepare
    const world = readyWorld({ config: { data: 'node.cookie = "from-config"' } });
    world.secrets.delete("Secret/emqx-reconciler-state");
    world.secrets.delete("Secret/emqx-node-cookie");
    const observed = { ...world.observed(), knownCredentials: { password: FIRST.password } };

    // Act
    const p = world.plan({ observed, random: FRESH });

    // Assess
    expect(created(p, "emqx-node-cookie")?.stringData?.node_cookie).toBe('"from-config"');
    expect(p.events.filter((e) => e.reason.startsWith("Credentials"))).toEqual([]);
  });
});
