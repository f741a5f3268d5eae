import { ANNOTATION_CREATED_FOR_GENERATION, LABEL_POD_TEMPLATE_HASH } from "@emqx-reconciler/api";
import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { retarget } from "../../src/plan/sets.ts";

const desired: V1StatefulSet = {
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "emqx-core-new", labels: { role: "core", [LABEL_POD_TEMPLATE_HASH]: "new" } },
  spec: {
    serviceName: "emqx-headless",
    selector: { matchLabels: { role: "core", [LABEL_POD_TEMPLATE_HASH]: "new" } },
    template: {
      metadata: { labels: { role: "core", [LABEL_POD_TEMPLATE_HASH]: "new" } },
      spec: { containers: [{ name: "emqx", image: "emqx:5.8" }] },
    },
    volumeClaimTemplates: [
      { metadata: { name: "data" }, spec: { resources: { requests: { storage: "2Gi" } } } },
    ],
  },
};

const live: V1StatefulSet = {
  metadata: {
    name: "emqx-core-old",
    labels: { role: "core", [LABEL_POD_TEMPLATE_HASH]: "old" },
    annotations: { [ANNOTATION_CREATED_FOR_GENERATION]: "3" },
  },
  spec: {
    serviceName: "emqx-headless",
    selector: { matchLabels: { role: "core", [LABEL_POD_TEMPLATE_HASH]: "old" } },
    template: { metadata: { labels: { role: "core", [LABEL_POD_TEMPLATE_HASH]: "old" } } },
    volumeClaimTemplates: [
      { metadata: { name: "data" }, spec: { resources: { requests: { storage: "1Gi" } } } },
    ],
  },
};

describe("retarget", () => {
  it("names the desired set after the live one, with the live hash, selector, claims and generation stamp", () => {
    const out = retarget(desired, live);
    expect(out.metadata?.name).toBe("emqx-core-old");
    expect(out.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH]).toBe("old");
    expect(out.metadata?.annotations?.[ANNOTATION_CREATED_FOR_GENERATION]).toBe("3");
    expect(out.spec?.template.metadata?.labels?.[LABEL_POD_TEMPLATE_HASH]).toBe("old");
    expect(out.spec?.selector).toEqual(live.spec?.selector);
    expect(out.spec?.volumeClaimTemplates).toEqual(live.spec?.volumeClaimTemplates);
    expect(out.spec?.template.spec).toEqual(desired.spec?.template.spec);
  });

  it("changes neither input and holds no object of the live set", () => {
    const before = structuredClone({ desired, live });
    const out = retarget(desired, live);
    expect({ desired, live }).toEqual(before);
    expect(out.spec?.selector).not.toBe(live.spec?.selector);
    expect(out.spec?.volumeClaimTemplates).not.toBe(live.spec?.volumeClaimTemplates);
  });

  it("drops claim templates the live set does not have (they are immutable)", () => {
    const { volumeClaimTemplates: _, ...liveSpec } = live.spec as NonNullable<V1StatefulSet["spec"]>;
    const out = retarget(desired, { ...live, spec: liveSpec });
    expect(out.spec).not.toHaveProperty("volumeClaimTemplates");
    expect(desired.spec?.volumeClaimTemplates).toHaveLength(1);
  });
});
