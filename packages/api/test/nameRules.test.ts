import { describe, expect, it } from "vitest";
import { checkEmqxName, maxEmqxNameLength } from "../src/nameRules.ts";
import { childNames, POD_TEMPLATE_HASH_LENGTH } from "../src/names.ts";

describe("maxEmqxNameLength", () => {
  it("is bound by the core StatefulSet's 52 characters with a 10-character hash", () => {
    // <name>-core-<hash> ≤ 52 and <name>-replicant-<hash>-<5> ≤ 63 both give 36
    expect(maxEmqxNameLength(100)).toBe(52 - "-core-".length - POD_TEMPLATE_HASH_LENGTH);
  });

  it("fits every derived name at the limit", () => {
    // Prepare
    const name = "a".repeat(maxEmqxNameLength(100));
    const names = childNames(name);
    const hash = "x".repeat(POD_TEMPLATE_HASH_LENGTH);
    // Assess
    expect(names.coreSet(hash).length).toBeLessThanOrEqual(52);
    expect(`${names.coreSet(hash)}-99`.length).toBeLessThanOrEqual(63);
    expect(`${names.replicantSet(hash)}-abcde`.length).toBeLessThanOrEqual(63);
    for (const svc of [names.headless, names.dashboard, names.listeners])
      expect(svc.length).toBeLessThanOrEqual(63);
  });
});

describe("checkEmqxName", () => {
  it("accepts ordinary names", () => {
    expect(checkEmqxName("emqx", 100)).toEqual([]);
    expect(checkEmqxName("a".repeat(36), 100)).toEqual([]);
  });

  it("R39 rejects a name one character too long, naming the child that breaks", () => {
    const name = "a".repeat(37);
    expect(checkEmqxName(name, 100)).toEqual([
      `"${name}" is too long: the core StatefulSet name "${name}-core-<10-char hash>" would have 53 characters, more than 52 (the StatefulSet controller adds <set>-<hash> as a 63-character label); use at most 36 characters`,
    ]);
  });

  it.each(["1emqx", "emqx.prod", "Emqx", "emqx-", "em_qx"])(
    "rejects %s, which cannot start a Service name",
    (name) => {
      expect(checkEmqxName(name, 100)[0]).toMatch(/must start with a lowercase letter/);
    },
  );
});
