import { describe, expect, it } from "vitest";
import type { EmqxView } from "../../src/plan/types.ts";
import { STALE_READY_GRACE_SECONDS } from "../../src/status/unverified.ts";
import { SimulatedCluster } from "../plan/simulatedCluster.ts";
import { runToReady } from "../plan/toReady.ts";

const UNAUTHORIZED: EmqxView = { state: "error", kind: "unauthorized", message: "HTTP 401 from 10.0.0.1" };
const HUNG: EmqxView = { state: "error", kind: "timeout", message: "no answer within 2000 ms" };

function condition(world: SimulatedCluster, type: string) {
  const status = world.cr.status as { conditions?: Array<Record<string, unknown>> } | undefined;
  return status?.conditions?.find((c) => c.type === type);
}

/** A Ready world whose API then fails with `view`, passes made `seconds` apart until `total` seconds passed. */
function failFor(view: EmqxView, total: number, seconds = 30): SimulatedCluster {
  const world = new SimulatedCluster();
  runToReady(world);
  world.api = view;
  for (let t = 0; t <= total; t += seconds) {
    world.applyPlan(world.plan());
    world.now += seconds * 1000;
  }
  return world;
}

describe("Ready while the EMQX API cannot be read", () => {
  it("holds Ready through a short outage, NodeStatusStale saying why", () => {
    // Act
    const world = failFor(UNAUTHORIZED, STALE_READY_GRACE_SECONDS - 30);

    // Assess
    expect(world.state()).toBe("Ready");
    expect(condition(world, "NodeStatusStale")).toMatchObject({ status: "True", reason: "ApiUnauthorized" });
  });

  it.each([
    ["401", UNAUTHORIZED, "ApiUnauthorized"],
    ["a hung API", HUNG, "ApiUnavailable"],
  ])(
    "after two minutes of %s, Ready is False with reason %s and the printed state says NodeStatusStale",
    (_, view, reason) => {
      // Act
      const world = failFor(view as EmqxView, STALE_READY_GRACE_SECONDS + 30);

      // Assess
      expect(world.state()).toBe("NodeStatusStale");
      const ready = condition(world, "Ready");
      expect(ready).toMatchObject({ status: "False", reason });
      expect(String(ready?.message)).toMatch(/^Not verified for over 2 minutes: The EMQX API /);
      const since = ready?.lastTransitionTime;
      world.applyPlan(world.plan());
      expect(condition(world, "Ready")?.lastTransitionTime).toBe(since);
    },
  );

  it("the first good read gives Ready back and removes NodeStatusStale", () => {
    // Prepare
    const world = failFor(UNAUTHORIZED, STALE_READY_GRACE_SECONDS + 30);

    // Act
    world.api = undefined;
    world.applyPlan(world.plan());

    // Assess
    expect(world.state()).toBe("Ready");
    expect(condition(world, "Ready")?.status).toBe("True");
    expect(condition(world, "NodeStatusStale")).toBeUndefined();
  });
});
