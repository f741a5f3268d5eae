import type { V1Container, V1PodTemplateSpec } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { templateDiffPaths } from "../../src/template/templateDiffPaths.ts";
import { templatesDiffer } from "../../src/template/templatesDiffer.ts";
import { desiredCoreTemplate, liveCoreTemplate } from "./fixtures.ts";

function emqxContainer(template: V1PodTemplateSpec): V1Container {
  const container = template.spec?.containers[0];
  if (!container) throw new Error("fixture has no container");
  return container;
}

function changed(edit: (template: V1PodTemplateSpec) => void): V1PodTemplateSpec {
  const template = desiredCoreTemplate();
  edit(template);
  return template;
}

describe("templatesDiffer", () => {
  it("sees no difference between our template and the apiserver-defaulted one the operator left", () => {
    expect(templatesDiffer(desiredCoreTemplate(), liveCoreTemplate())).toBe(false);
  });

  it("is symmetric and ignores only the hash label among labels", () => {
    expect(templatesDiffer(liveCoreTemplate(), desiredCoreTemplate())).toBe(false);
    const relabelled = changed((t) => {
      if (t.metadata?.labels) t.metadata.labels.team = "iot";
    });
    expect(templatesDiffer(relabelled, liveCoreTemplate())).toBe(true);
  });

  it("detects a new image", () => {
    const template = changed((t) => {
      emqxContainer(t).image = "emqx/emqx:6.0.2";
    });
    expect(templatesDiffer(template, liveCoreTemplate())).toBe(true);
  });

  it("detects a changed, added or reordered environment variable", () => {
    const value = changed((t) => {
      const env = emqxContainer(t).env?.[2];
      if (env) env.value = "static";
    });
    const added = changed((t) => {
      emqxContainer(t).env?.push({ name: "EMQX_LOG__CONSOLE__LEVEL", value: "debug" });
    });
    const reordered = changed((t) => {
      emqxContainer(t).env?.reverse();
    });
    for (const template of [value, added, reordered])
      expect(templatesDiffer(template, liveCoreTemplate())).toBe(true);
  });

  it("compares resources by amount, and detects a real change", () => {
    const same = changed((t) => {
      emqxContainer(t).resources = {
        requests: { cpu: "250m", memory: "1Gi" },
        limits: { memory: "1073741824" },
      };
    });
    expect(templatesDiffer(same, liveCoreTemplate())).toBe(false);
    const more = changed((t) => {
      emqxContainer(t).resources = { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } };
    });
    expect(templatesDiffer(more, liveCoreTemplate())).toBe(true);
  });

  it("detects a field removed from the CR, not only changed ones", () => {
    const live = liveCoreTemplate();
    if (live.spec) live.spec.nodeSelector = { disktype: "ssd" };
    expect(templatesDiffer(desiredCoreTemplate(), live)).toBe(true);
  });

  it("detects a value that only differs from an apiserver default", () => {
    const explicit = changed((t) => {
      if (t.spec) t.spec.dnsPolicy = "Default";
    });
    expect(templatesDiffer(explicit, liveCoreTemplate())).toBe(true);
    const pullAlways = changed((t) => {
      emqxContainer(t).imagePullPolicy = "Always";
    });
    expect(templatesDiffer(pullAlways, liveCoreTemplate())).toBe(true);
  });

  it("treats explicit defaults like absent ones", () => {
    const explicit = changed((t) => {
      if (t.spec) t.spec.terminationGracePeriodSeconds = 30;
      emqxContainer(t).imagePullPolicy = "IfNotPresent";
      const port = emqxContainer(t).ports?.[0];
      if (port) port.protocol = "TCP";
    });
    expect(templatesDiffer(explicit, liveCoreTemplate())).toBe(false);
  });

  it("keeps zero values that mean something (runAsUser 0 is root)", () => {
    const root = changed((t) => {
      emqxContainer(t).securityContext = { runAsUser: 0 };
    });
    const unset = changed((t) => {
      emqxContainer(t).securityContext = {};
    });
    expect(templatesDiffer(root, unset)).toBe(true);
  });

  it("keeps empty label values and empty arguments", () => {
    const emptyLabel = changed((t) => {
      if (t.spec) t.spec.nodeSelector = { dedicated: "" };
    });
    expect(templatesDiffer(emptyLabel, desiredCoreTemplate())).toBe(true);
    const emptyArg = changed((t) => {
      emqxContainer(t).args = [""];
    });
    expect(templatesDiffer(emptyArg, desiredCoreTemplate())).toBe(true);
  });

  it("defaults imagePullPolicy from the tag: latest or none means Always", () => {
    const latest = changed((t) => {
      emqxContainer(t).image = "emqx/emqx";
    });
    const live = liveCoreTemplate();
    emqxContainer(live).image = "emqx/emqx";
    emqxContainer(live).imagePullPolicy = "Always";
    expect(templatesDiffer(latest, live)).toBe(false);
  });
});

describe("templatesDiffer: apiserver aliases", () => {
  it("treats serviceAccountName and the serviceAccount alias the apiserver adds as one field", () => {
    const desired = changed((t) => {
      if (t.spec) t.spec.serviceAccountName = "emqx-sa";
    });
    const live = changed((t) => {
      if (t.spec) Object.assign(t.spec, { serviceAccountName: "emqx-sa", serviceAccount: "emqx-sa" });
    });
    const other = changed((t) => {
      if (t.spec) Object.assign(t.spec, { serviceAccountName: "other", serviceAccount: "other" });
    });
    expect(templatesDiffer(desired, live)).toBe(false);
    expect(templatesDiffer(desired, other)).toBe(true);
  });

  it("fills an image volume's pull policy from its reference, as the kubelet's defaulting does", () => {
    const volume = (pullPolicy?: string) =>
      changed((t) => {
        t.spec?.volumes?.push({ name: "models", image: { reference: "repo/models:v1", pullPolicy } });
      });
    expect(templatesDiffer(volume(), volume("IfNotPresent"))).toBe(false);
    expect(templatesDiffer(volume(), volume("Always"))).toBe(true);
  });
});

describe("templateDiffPaths", () => {
  it("names where two templates differ, without values, and nothing for equal ones", () => {
    const live = changed((t) => {
      emqxContainer(t).image = "emqx/emqx:6.0.2";
      if (t.spec) t.spec.hostname = "h";
    });
    expect(templateDiffPaths(desiredCoreTemplate(), liveCoreTemplate())).toEqual([]);
    expect(templateDiffPaths(desiredCoreTemplate(), live)).toEqual([
      "spec.containers[0].image",
      "spec.hostname",
    ]);
  });
});

describe("templatesDiffer: sets the operator wrote with repeated keys", () => {
  it("reads a repeated env name as the kubelet does, so the operator's set is adopted", () => {
    const ours = changed((t) => {
      const env = emqxContainer(t).env ?? [];
      const at = env.findIndex((e) => e.name === "EMQX_CLUSTER__DISCOVERY_STRATEGY");
      env[at] = { name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "static" };
    });
    const operators = changed((t) => {
      emqxContainer(t).env?.push({ name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "static" });
    });
    expect(templatesDiffer(ours, operators)).toBe(false);
    expect(templatesDiffer(desiredCoreTemplate(), operators)).toBe(true);
  });
});
