import { describe, expect, it } from "vitest";
import { PDB_EXCLUSIVE_MESSAGE } from "../src/emqx/templates.ts";
import { DEFAULT_LIMITS, formatPath, type ValidationIssue, validateEmqx } from "../src/validate.ts";
import { emqxObject, IMAGE } from "./fixtures.ts";

function issuesOf(input: unknown, limits = {}): ValidationIssue[] {
  const result = validateEmqx(input, limits);
  return result.ok ? [] : result.issues;
}

describe("validateEmqx", () => {
  it("returns the defaulted object for a valid CR", () => {
    const result = validateEmqx(emqxObject({ image: IMAGE }));
    expect(result.ok && result.emqx.spec.coreTemplate.spec.replicas).toBe(1);
  });

  it.each<[string, Record<string, unknown>, ValidationIssue]>([
    ["a missing image", { image: undefined }, { path: "spec.image", message: "required field is missing" }],
    ["an empty image", { image: "" }, { path: "spec.image", message: "image must not be empty" }],
    [
      "negative replicas",
      { coreTemplate: { spec: { replicas: -1 } } },
      { path: "spec.coreTemplate.spec.replicas", message: "replicas must be 0 or more" },
    ],
    [
      "replicas above the limit",
      { replicantTemplate: { spec: { replicas: 101 } } },
      {
        path: "spec.replicantTemplate.spec.replicas",
        message: "replicas must be at most 100 (the reconciler's maxReplicas limit)",
      },
    ],
    [
      "both PDB settings",
      { coreTemplate: { spec: { minAvailable: 1, maxUnavailable: 1 } } },
      { path: "spec.coreTemplate.spec", message: PDB_EXCLUSIVE_MESSAGE },
    ],
    [
      "a PDB setting that is neither a number nor a percentage",
      { replicantTemplate: { spec: { minAvailable: "half" } } },
      {
        path: "spec.replicantTemplate.spec.minAvailable",
        message: 'must be a whole number or a percentage such as "50%"',
      },
    ],
    [
      "a bootstrap key with a space",
      { bootstrapAPIKeys: [{ key: "my key", secret: "secret" }] },
      { path: "spec.bootstrapAPIKeys[0].key", message: "key may contain only letters, digits, '-' and '_'" },
    ],
    [
      "a short bootstrap secret",
      { bootstrapAPIKeys: [{ key: "k", secret: "ab" }] },
      { path: "spec.bootstrapAPIKeys[0].secret", message: "secret must have at least 3 characters" },
    ],
    [
      "a bootstrap key without its secret",
      { bootstrapAPIKeys: [{ key: "k" }] },
      { path: "spec.bootstrapAPIKeys[0]", message: "set either key and secret, or secretRef, not both" },
    ],
    [
      "a bootstrap key given both ways",
      {
        bootstrapAPIKeys: [
          {
            key: "k",
            secret: "abc",
            secretRef: {
              key: { secretName: "s", secretKey: "k" },
              secret: { secretName: "s", secretKey: "v" },
            },
          },
        ],
      },
      { path: "spec.bootstrapAPIKeys[0]", message: "set either key and secret, or secretRef, not both" },
    ],
    [
      "the reconciler's own key",
      { bootstrapAPIKeys: [{ key: "emqx-operator-controller", secret: "abc" }] },
      {
        path: "spec.bootstrapAPIKeys[0].key",
        message: 'key "emqx-operator-controller" is reserved for the reconciler',
      },
    ],
    [
      "a secretRef key with a dot",
      {
        bootstrapAPIKeys: [
          {
            secretRef: {
              key: { secretName: "s", secretKey: "a.b" },
              secret: { secretName: "s", secretKey: "v" },
            },
          },
        ],
      },
      {
        path: "spec.bootstrapAPIKeys[0].secretRef.key.secretKey",
        message: "secretKey may contain only letters, digits, '-' and '_'",
      },
    ],
    [
      "an unknown config mode",
      { config: { mode: "merge" } },
      { path: "spec.config.mode", message: 'mode must be "Merge" or "Replace"' },
    ],
    [
      "a bad quantity",
      { coreTemplate: { spec: { resources: { requests: { memory: "lots" } } } } },
      {
        path: "spec.coreTemplate.spec.resources.requests.memory",
        message: 'must be a Kubernetes quantity such as "250m" or "1Gi"',
      },
    ],
    [
      "config.data over the size limit",
      { config: { data: `# ${"x".repeat(DEFAULT_LIMITS.maxConfigBytes)}` } },
      {
        path: "spec.config.data",
        message:
          "config.data has 1047554 bytes, more than the limit of 1047552 bytes (it is stored in a ConfigMap, which holds at most 1 MiB)",
      },
    ],
    [
      "zero cores without the deliberate-pause annotation",
      { coreTemplate: { spec: { replicas: 0 } } },
      {
        path: "spec.coreTemplate.spec.replicas",
        message:
          'replicas must be at least 1: an EMQX cluster needs a core node (annotate the CR with apps.emqx.io/allow-zero-cores: "true" to stop every core on purpose)',
      },
    ],
  ])("R38 rejects %s", (_name, spec, expected) => {
    expect(issuesOf(emqxObject({ image: IMAGE, ...spec }))).toEqual([expected]);
  });

  it("applies the limits it is given", () => {
    // Prepare
    const cr = emqxObject({ image: IMAGE, coreTemplate: { spec: { replicas: 5 } }, config: { data: "é" } });
    // Act
    const issues = issuesOf(cr, { maxReplicas: 4, maxConfigBytes: 1 });
    // Assess
    expect(issues.map((i) => i.path)).toEqual(["spec.coreTemplate.spec.replicas", "spec.config.data"]);
    expect(issues[1]?.message).toMatch(/^config\.data has 2 bytes, more than the limit of 1 bytes/);
  });

  it("accepts a 300 KiB config and zero cores that the CR says are deliberate", () => {
    const data = `# ${"x".repeat(300 * 1024)}`;
    const allowed = { annotations: { "apps.emqx.io/allow-zero-cores": "true" } };
    const paused = emqxObject({ image: IMAGE, coreTemplate: { spec: { replicas: 0 } } }, allowed);
    const otherValue = { annotations: { "apps.emqx.io/allow-zero-cores": "yes" } };
    expect(issuesOf(emqxObject({ image: IMAGE, config: { data } }))).toEqual([]);
    expect(issuesOf(paused)).toEqual([]);
    expect(
      issuesOf(emqxObject({ image: IMAGE, coreTemplate: { spec: { replicas: 0 } } }, otherValue)),
    ).toEqual([expect.objectContaining({ path: "spec.coreTemplate.spec.replicas" })]);
  });

  it("checks defaulted replicas against the limit too", () => {
    const issues = issuesOf(emqxObject({ image: IMAGE, coreTemplate: { spec: {} } }), { maxReplicas: 1 });
    expect(issues).toEqual([
      {
        path: "spec.coreTemplate.spec.replicas",
        message: "replicas must be at most 1 (the reconciler's maxReplicas limit)",
      },
    ]);
  });

  it("reports name and limit problems together with schema problems", () => {
    const cr = emqxObject({ coreTemplate: { spec: { replicas: 1000 } } }, { name: "Bad_Name" });
    expect(issuesOf(cr).map((i) => i.path)).toEqual([
      "spec.image",
      "metadata.name",
      "spec.coreTemplate.spec.replicas",
    ]);
  });

  it("names the envelope fields", () => {
    const issues = issuesOf({
      apiVersion: "apps.emqx.io/v2alpha1",
      kind: "EMQX",
      metadata: {},
      spec: { image: IMAGE },
    });
    expect(issues).toEqual([
      { path: "apiVersion", message: 'apiVersion must be "apps.emqx.io/v2beta1"' },
      { path: "metadata.name", message: "required field is missing" },
    ]);
  });

  it("rejects what is not an object at all", () => {
    expect(issuesOf("kind: EMQX")).toEqual([
      { path: "", message: "Invalid input: expected object, received string" },
    ]);
  });
});

describe("formatPath", () => {
  it("joins keys with dots and indexes with brackets", () => {
    expect(formatPath(["spec", "bootstrapAPIKeys", 0, "key"])).toBe("spec.bootstrapAPIKeys[0].key");
    expect(formatPath([])).toBe("");
  });
});
