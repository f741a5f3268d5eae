/** The kwok stage files render into one valid config with the pod start delay filled in. */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import {
  CRASH_LOOP_IMAGE_HOST,
  computeStartDelayRange,
  renderStages,
  UNPULLABLE_IMAGE_HOST,
} from "../src/stages.ts";

interface StageDoc {
  kind: string;
  metadata: { name: string };
  spec: {
    resourceRef: { kind: string };
    delay?: { durationMilliseconds: number; jitterDurationMilliseconds: number };
  };
}

async function rendered(delayMs: number): Promise<{ text: string; stages: StageDoc[] }> {
  const file = join(await mkdtemp(join(tmpdir(), "sandbox-stages-")), "stages.yaml");
  await renderStages(file, delayMs);
  const text = await readFile(file, "utf8");
  const stages = parseAllDocuments(text).map((doc) => doc.toJS() as StageDoc);
  return { text, stages };
}

describe("computeStartDelayRange", () => {
  it("spreads starts between the minimum and three times it", () => {
    expect(computeStartDelayRange(1000)).toEqual({ min: 1000, max: 3000 });
    expect(computeStartDelayRange(0)).toEqual({ min: 0, max: 0 });
  });

  it("rejects a negative or fractional delay, naming the option", () => {
    expect(() => computeStartDelayRange(-1)).toThrow(/^podStartDelayMs: /);
    expect(() => computeStartDelayRange(1.5)).toThrow(/^podStartDelayMs: /);
  });
});

describe("renderStages", () => {
  it("writes every stage for nodes, pods and volumes, uniquely named, with no placeholder left", async () => {
    const { text, stages } = await rendered(250);
    expect(text).not.toMatch(/__[A-Z_]+__/);
    expect(stages.every((s) => s.kind === "Stage")).toBe(true);
    expect(new Set(stages.map((s) => s.metadata.name)).size).toBe(stages.length);
    expect(new Set(stages.map((s) => s.spec.resourceRef.kind))).toEqual(
      new Set(["Node", "Pod", "PersistentVolumeClaim", "PersistentVolume"]),
    );
  });

  it("puts the pod start delay on the pod start stage", async () => {
    const { stages } = await rendered(250);
    const start = stages.find((s) => s.metadata.name === "sandbox-pod-start");
    expect(start?.spec.delay).toEqual({ durationMilliseconds: 250, jitterDurationMilliseconds: 750 });
  });

  it("sends pods of the fault image hosts to their own stages, never to the normal start", async () => {
    const { stages } = await rendered(250);
    const keysOf = (name: string) =>
      (
        stages.find((s) => s.metadata.name === name) as unknown as {
          spec: { selector: { matchExpressions: Array<{ key: string; operator: string }> } };
        }
      ).spec.selector.matchExpressions;
    const start = keysOf("sandbox-pod-start").find((e) => e.key.includes(UNPULLABLE_IMAGE_HOST));
    expect(start?.key).toContain(CRASH_LOOP_IMAGE_HOST);
    expect(keysOf("sandbox-pod-image-pull-backoff").some((e) => e.key.includes(UNPULLABLE_IMAGE_HOST))).toBe(
      true,
    );
    expect(keysOf("sandbox-pod-crash-loop").some((e) => e.key.includes(CRASH_LOOP_IMAGE_HOST))).toBe(true);
  });
});
