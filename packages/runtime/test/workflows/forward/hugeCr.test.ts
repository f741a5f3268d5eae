/**
 * A CR carrying the largest `config.data` the api accepts still gives hints of a few hundred bytes: a hint is only
 * the CR's key, and the reconciler reads the config from the apiserver.
 */
import { EVENT_SOURCE_FORWARDER, MAX_CONFIG_BYTES, putEventsEntrySize } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { toEntry } from "../../../src/workflows/forward/batches.ts";
import { ObjectTracker, type Scope } from "../../../src/workflows/forward/ObjectTracker.ts";
import { emqx } from "./fixtures.ts";

const CRS: Scope = { kind: "EMQX", namespace: undefined };

describe("hints of a huge CR", () => {
  it("R18 a CR with 1 MiB of config.data gives hints and PutEvents entries of a few hundred bytes", () => {
    const data = `# ${"x".repeat(MAX_CONFIG_BYTES - 3)}\n`;
    const huge = (resourceVersion: string, generation: number) =>
      emqx("big", { resourceVersion, generation, spec: { image: "emqx/emqx:5.8.6", config: { data } } });
    const tracker = new ObjectTracker("c1", [CRS]);

    const hints = [
      ...tracker.applyList(CRS, [huge("1", 1)], "initial", true),
      ...tracker.applyEvent(CRS, { type: "MODIFIED", object: huge("2", 2) }),
      ...tracker.applyEvent(CRS, { type: "DELETED", object: huge("3", 2) }),
    ];

    expect(hints.map((h) => h.cause)).toEqual(["resync", "modified", "deleted"]);
    for (const hint of hints) {
      const entry = toEntry(EVENT_SOURCE_FORWARDER, hint);
      expect(entry.Detail).not.toContain("xxxx");
      expect(putEventsEntrySize(entry)).toBeLessThan(512);
    }
  });
});
