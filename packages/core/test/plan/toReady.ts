/** Driving a {@link SimulatedCluster} to Ready, and checking the states a watcher saw on the way against the operator's order. */
import { expect } from "vitest";
import type { SimulatedCluster } from "./simulatedCluster.ts";

/** The states the operator 2.2.30 passes through from a fresh CR to Ready. */
export const OPERATOR_STATES = [
  "CoreNodesProgressing",
  "CoreNodesReady",
  "ReplicantNodesProgressing",
  "ReplicantNodesReady",
  "Available",
  "Ready",
] as const;

/** Runs passes until `kubectl get emqx` shows Ready (or gives up), recording every state a watcher could see. */
export function runToReady(sim: SimulatedCluster, maxPasses = 20): string[] {
  const seen: string[] = [];
  for (let i = 0; i < maxPasses && sim.state() !== "Ready"; i++) {
    sim.step();
    const state = sim.state();
    if (state && seen.at(-1) !== state) seen.push(state);
  }
  return seen;
}

/** Runs passes until Ready and asserts it got there; returns `sim` for chaining. */
export function driveToReady(sim: SimulatedCluster, maxPasses = 20): SimulatedCluster {
  runToReady(sim, maxPasses);
  expect(sim.state()).toBe("Ready");
  return sim;
}

/** Asserts that `seen` ends at Ready and is an in-order subsequence of {@link OPERATOR_STATES}. */
export function expectOperatorOrder(seen: readonly string[]): void {
  const order: readonly string[] = OPERATOR_STATES;
  expect(seen.at(-1)).toBe("Ready");
  expect(seen.map((s) => order.indexOf(s))).toEqual(
    [...seen.map((s) => order.indexOf(s))].sort((a, b) => a - b),
  );
}
