import { describe, expect, it } from "vitest";
import type { PlanInput } from "../../src/plan/types.ts";
import { makeCr, SimulatedCluster } from "./simulatedCluster.ts";

describe("plan: the on-serving gates", () => {
  it("leaves a new pod without the gate until its node runs, then opens it; a node that stops closes it", () => {
    // Prepare: the core pods' containers are ready, but EMQX lists no node of them yet.
    const sim = new SimulatedCluster(makeCr({ replicantTemplate: undefined }));
    sim.step();
    const notYet: Partial<PlanInput> = { api: { state: "ok", nodes: [], liveConfig: undefined } };

    // Act
    const waiting = sim.step(notYet);
    const running = sim.step();

    // Assess: nothing written while the nodes are not listed (a missing gate already keeps a pod out of
    // Service); True once they run.
    expect(waiting.podConditions).toEqual([]);
    expect(running.podConditions.map((c) => c.status)).toEqual(["True", "True"]);
    // A pod that has the gate gets False when its node is no longer listed as running.
    const gone = sim.plan(notYet);
    expect(gone.podConditions.map((c) => c.status)).toEqual(["False", "False"]);
  });
});
