import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.ts";
import {
  API_JUST_STARTED_RETRY_SECONDS,
  API_RETRY_SECONDS,
  API_STARTING_RETRY_SECONDS,
  API_STARTING_WINDOW_SECONDS,
} from "../../src/plan/requeue.ts";
import type { Plan } from "../../src/plan/types.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";
import { driveToReady } from "./toReady.ts";

function readyCluster(): SimulatedCluster {
  return driveToReady(new SimulatedCluster());
}

function expectNoWrites(p: Plan): void {
  expect(p.create).toEqual([]);
  expect(p.apply).toEqual([]);
  expect(p.delete).toEqual([]);
  expect(p.scale).toEqual([]);
  expect(p.podConditions).toEqual([]);
  expect(p.podAnnotations).toEqual([]);
  expect(p.configPush).toBeUndefined();
  expect(p.crAnnotations).toBeUndefined();
  expect(p.evacuation).toBeUndefined();
}

describe("plan: bad input is never half-applied", () => {
  it("R40 invalid HOCON changes nothing and reports InvalidConfig", () => {
    // Prepare
    const sim = new SimulatedCluster(
      makeCr({ config: { data: 'listeners.tcp.default {\n  bind = "0.0.0.0:1883"\n' } }),
    );

    // Act
    const p = sim.step();
    const again = sim.plan();

    // Assess
    expectNoWrites(p);
    expect(p.status.conditions).toEqual([
      expect.objectContaining({
        type: "InvalidSpec",
        status: "True",
        reason: "InvalidConfig",
        observedGeneration: 1,
      }),
    ]);
    expect(p.status.conditions?.[0]?.message).toMatch(
      /^the \.spec\.config\.data is not a valid HOCON config: .*line/,
    );
    expect(p.events).toEqual([
      { type: "Warning", reason: "InvalidConfig", message: p.status.conditions?.[0]?.message },
    ]);
    expect(sim.state()).toBe("InvalidSpec");
    expect(p.requeueAfterSeconds).toBeUndefined();
    // The same bad spec again: no new event, no status write.
    expect(again.events).toEqual([]);
    expect(again.statusChanged).toBe(false);
  });

  it("an invalid config on a running cluster keeps every child and the lifecycle state", () => {
    // Prepare
    const sim = readyCluster();
    const status = structuredClone(sim.cr.status as { coreNodes: unknown[] });
    (sim.cr.spec as { config?: unknown }).config = { data: "a = {" };
    sim.cr.metadata.generation = 2;

    // Act
    const p = sim.step();

    // Assess: kubectl still shows Ready; InvalidSpec follows the lifecycle conditions and says why.
    expectNoWrites(p);
    expect(sim.state()).toBe("Ready");
    expect(p.status.conditions?.at(-1)).toMatchObject({ type: "InvalidSpec", reason: "InvalidConfig" });
    expect(p.status.coreNodes).toEqual(status.coreNodes);

    // Act: fixing the config removes the condition and the cluster carries on.
    (sim.cr.spec as { config?: unknown }).config = { data: "" };
    sim.cr.metadata.generation = 3;
    const fixed = sim.step();

    // Assess
    expect(fixed.status.conditions?.some((c) => c.type === "InvalidSpec")).toBe(false);
    expect(fixed.apply.length).toBeGreaterThan(0);
  });

  it("an invalid spec names the field and the rule, and writes nothing else", () => {
    // Prepare
    const sim = new SimulatedCluster(makeCr({ coreTemplate: { spec: { replicas: -1 } } }));

    // Act
    const p = sim.plan();

    // Assess
    expectNoWrites(p);
    expect(p.status.conditions?.[0]).toMatchObject({ type: "InvalidSpec", reason: "InvalidSpec" });
    expect(p.status.conditions?.[0]?.message).toContain("spec.coreTemplate.spec.replicas");
    expect(p.events[0]).toMatchObject({ type: "Warning", reason: "InvalidSpec" });
  });

  it("zero cores on a running cluster scales nothing and warns once, unless the CR says the pause is deliberate", () => {
    // Prepare
    const sim = readyCluster();
    const coreSpec = (sim.cr.spec as { coreTemplate: { spec: { replicas: number } } }).coreTemplate.spec;
    coreSpec.replicas = 0;
    sim.cr.metadata.generation = 2;

    // Act
    const refused = sim.step();
    const again = sim.plan();

    // Assess: the cores keep running, kubectl still shows Ready, the condition and one event say why.
    expectNoWrites(refused);
    expect(sim.setsOf("StatefulSet").map((s) => s.spec?.replicas)).toEqual([2]);
    expect(sim.state()).toBe("Ready");
    expect(refused.status.conditions?.at(-1)).toMatchObject({ type: "InvalidSpec", reason: "InvalidSpec" });
    expect(refused.events).toEqual([
      {
        type: "Warning",
        reason: "InvalidSpec",
        message: expect.stringContaining("apps.emqx.io/allow-zero-cores"),
      },
    ]);
    expect(again.events).toEqual([]);

    // Act: the annotation says the pause is deliberate.
    sim.cr.metadata.annotations = { "apps.emqx.io/allow-zero-cores": "true" };
    const paused = sim.step();

    // Assess
    const coreSets = paused.apply.filter((o) => o.kind === "StatefulSet") as Array<{
      spec?: { replicas?: number };
    }>;
    expect(coreSets.map((s) => s.spec?.replicas)).toEqual([0]);
    expect(paused.status.conditions?.some((c) => c.type === "InvalidSpec")).toBe(false);
  });

  it("a missing bootstrap secretRef creates nothing, warns, and looks again later", () => {
    // Prepare
    const ref = { secretName: "api-keys", secretKey: "key" };
    const cr = makeCr({
      bootstrapAPIKeys: [{ secretRef: { key: ref, secret: { ...ref, secretKey: "secret" } } }],
    });
    const sim = new SimulatedCluster(cr);

    // Act
    const missing = sim.plan();
    const present = sim.plan({
      observed: {
        ...sim.observed(),
        referencedSecretValues: { "api-keys": { key: "ci", secret: "s3cret-value" } },
        referencedSecretConsent: { "api-keys": "emqx" },
      },
    });

    // Assess
    expectNoWrites(missing);
    expect(missing.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "GetBootStrapSecretRef" }),
    ]);
    expect(missing.events[0]?.message).toContain('Secret "api-keys"');
    expect(missing.requeueAfterSeconds).toBe(30);
    const secret = present.create.find((o) => o.metadata?.name === "emqx-bootstrap-api-key") as {
      stringData: Record<string, string>;
    };
    expect(secret.stringData.bootstrap_api_key?.split("\n")[0]).toBe("ci:s3cret-value");
    expect(JSON.stringify(missing)).not.toContain("s3cret-value");
  });

  it("a CR being deleted plans nothing", () => {
    // Prepare
    const cr = makeCr();
    cr.metadata.deletionTimestamp = new Date("2026-01-01T00:00:00Z");
    const sim = new SimulatedCluster(cr);

    // Act
    const p = plan(sim.input());

    // Assess
    expectNoWrites(p);
    expect(p.statusChanged).toBe(false);
    expect(p.events).toEqual([]);
  });
});

describe("plan: EMQX API failures", () => {
  it("API 401 keeps last good node lists and says why", () => {
    // Prepare
    const sim = readyCluster();
    const before = structuredClone(sim.cr.status as { coreNodes: unknown[]; replicantNodes: unknown[] });

    // Act
    const p = sim.step({
      api: { state: "error", kind: "unauthorized", message: "HTTP 401 BAD_API_KEY_OR_SECRET" },
    });
    const again = sim.plan({
      api: { state: "error", kind: "unauthorized", message: "HTTP 401 BAD_API_KEY_OR_SECRET" },
    });

    // Assess
    expect(p.status.coreNodes).toEqual(before.coreNodes);
    expect(p.status.replicantNodes).toEqual(before.replicantNodes);
    expect(sim.state()).toBe("Ready");
    expect(p.status.conditions?.at(-1)).toMatchObject({ type: "NodeStatusStale", reason: "ApiUnauthorized" });
    expect(p.status.conditions?.at(-1)?.message).toContain("last successful read");
    expect(p.podConditions).toEqual([]);
    expect(p.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "FailedToGetNodeStatuses" }),
    ]);
    expect(p.requeueAfterSeconds).toBe(60);
    expect(again.events).toEqual([]);
    expect(again.statusChanged).toBe(false);

    // Act: the API answers again.
    const recovered = sim.step();

    // Assess
    expect(recovered.status.conditions?.some((c) => c.type === "NodeStatusStale")).toBe(false);
    expect(sim.state()).toBe("Ready");
  });

  it("a timeout retries sooner, and stale data never grants Ready", () => {
    // Prepare: cores ready, API times out before the cluster was ever Ready.
    const sim = new SimulatedCluster(makeCr({ replicantTemplate: undefined }));
    sim.step();
    sim.step();

    // Act
    const p = sim.plan({ api: { state: "error", kind: "timeout", message: "no answer within 10 s" } });

    // Assess
    expect(p.requeueAfterSeconds).toBe(5);
    expect(p.status.conditions?.map((c) => c.type)).toEqual([
      "Available",
      "CoreNodesReady",
      "CoreNodesProgressing",
      "NodeStatusStale",
    ]);
    expect(p.status.conditions?.at(-1)?.reason).toBe("ApiUnavailable");
  });

  it("a starting cluster whose API refuses is not stale and is retried every 0.25 s for 3 s, then every second; after 30 s it is stale, retried every 5 s", () => {
    // Prepare: the core pods report ready a moment before their API listens.
    const sim = new SimulatedCluster(makeCr({ replicantTemplate: undefined }));
    sim.step();
    const refused = { state: "error", kind: "unavailable", message: "ECONNREFUSED" } as const;

    // Act
    const first = sim.step({ api: refused });
    sim.now += (API_STARTING_WINDOW_SECONDS - 5) * 1000;
    const within = sim.step({ api: refused });
    sim.now += 10_000;
    const after = sim.plan({ api: refused });

    // Assess
    expect(first.requeueAfterSeconds).toBe(API_JUST_STARTED_RETRY_SECONDS);
    expect(within.requeueAfterSeconds).toBe(API_STARTING_RETRY_SECONDS);
    const stale = (p: Plan) => p.status.conditions?.find((c) => c.type === "NodeStatusStale");
    expect([stale(first), stale(within)]).toEqual([undefined, undefined]);
    expect([...first.events, ...within.events]).toEqual([]);
    expect(after.requeueAfterSeconds).toBe(API_RETRY_SECONDS);
    expect(stale(after)).toMatchObject({ status: "True", reason: "ApiUnavailable" });
    expect(after.events.map((e) => e.reason)).toEqual(["FailedToGetNodeStatuses"]);
    // Once a node list was read, a refused connection is an outage: 5 s.
    const read = driveToReady(new SimulatedCluster(makeCr({ replicantTemplate: undefined })));
    expect(read.plan({ api: refused }).requeueAfterSeconds).toBe(API_RETRY_SECONDS);
  });

  it("an API that stays unavailable keeps the first failure's message: no status rewrite per failing endpoint", () => {
    // Prepare
    const sim = driveToReady(new SimulatedCluster(makeCr({ replicantTemplate: undefined })));
    const failing = (message: string) => ({ api: { state: "error", kind: "unavailable", message } as const });
    const first = sim.step(failing("GET http://10.0.0.1:18083/api/v5/nodes: ECONNREFUSED"));

    // Act
    const next = sim.plan(failing("all 2 endpoints failed: ECONNRESET"));

    // Assess
    expect(first.statusChanged).toBe(true);
    expect(next.statusChanged).toBe(false);
    const stale = next.status.conditions?.find((c) => c.type === "NodeStatusStale");
    expect(stale?.message).toContain("ECONNREFUSED");
    // Another reason is news: it is written.
    const unauthorized = sim.plan({ api: { state: "error", kind: "unauthorized", message: "401" } });
    expect(unauthorized.statusChanged).toBe(true);
  });

  it("an untrusted dashboard certificate says so and how to fix it, with one Warning event, until it verifies", () => {
    // Prepare: cores ready, the https dashboard's certificate fails verification.
    const world = new SimulatedCluster(makeCr({ replicantTemplate: undefined }));
    world.step();
    world.step();
    const api = {
      state: "error",
      kind: "untrusted-certificate",
      message: "GET https://10.0.0.1:18084/api/v5/nodes: certificate did not verify against the trusted CA",
    } as const;

    // Act
    const p = world.step({ api });
    const again = world.plan({ api });

    // Assess
    const stale = p.status.conditions?.at(-1);
    expect(stale).toMatchObject({ type: "NodeStatusStale", reason: "ApiCertificateUntrusted" });
    expect(stale?.message).toContain(
      "The EMQX dashboard certificate is not trusted (GET https://10.0.0.1:18084",
    );
    expect(stale?.message).toContain("set the annotation apps.emqx.io/dashboard-ca-secret of the EMQX");
    expect(stale?.message).not.toContain("REDACTED");
    expect(p.events).toEqual([
      { type: "Warning", reason: "FailedToGetNodeStatuses", message: stale?.message },
    ]);
    expect(again.events).toEqual([]);
    expect(p.requeueAfterSeconds).toBe(5);
    expect(world.state()).not.toBe("Ready");
  });

  it("no ready core on a fresh cluster is not reported as stale", () => {
    // Prepare
    const sim = new SimulatedCluster();

    // Act
    const p = sim.plan({ api: { state: "unreachable-no-ready-core" } });

    // Assess
    expect(p.status.conditions?.some((c) => c.type === "NodeStatusStale")).toBe(false);
    expect(p.requeueAfterSeconds).toBeUndefined();
  });
});
