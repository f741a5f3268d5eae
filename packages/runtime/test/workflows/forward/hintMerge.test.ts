import type { Hint } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { mergeHints } from "../../../src/workflows/forward/hintMerge.ts";

const base = { cluster: "c", namespace: "ns", name: "broker" };

describe("mergeHints", () => {
  it("keeps the stronger cause, the newer one on a tie", () => {
    const child: Hint = { ...base, uid: "u", resourceVersion: "7", cause: "child" };
    const modified: Hint = { ...base, uid: "u", resourceVersion: "5", cause: "modified" };
    expect(mergeHints(modified, child)).toEqual(modified);
    expect(mergeHints(child, modified)).toEqual(modified);
    const later: Hint = { ...child, resourceVersion: "9" };
    expect(mergeHints(child, later)).toEqual(later);
  });

  it("lets a deletion outrank everything of the same incarnation", () => {
    const deleted: Hint = { ...base, uid: "u", cause: "deleted" };
    expect(mergeHints(deleted, { ...base, uid: "u", cause: "added" }).cause).toBe("deleted");
  });

  it("lets a hint about a new incarnation (other uid) replace the old one outright", () => {
    const deleted: Hint = { ...base, uid: "old", cause: "deleted" };
    const added: Hint = { ...base, uid: "new", resourceVersion: "3", cause: "added" };
    expect(mergeHints(deleted, added)).toEqual(added);
  });

  it("keeps a uid only the weaker hint knew", () => {
    const resync: Hint = { ...base, uid: "u", cause: "resync" };
    const child: Hint = { ...base, resourceVersion: "4", cause: "child" };
    expect(mergeHints(resync, child)).toEqual({ ...child, uid: "u" });
  });

  it("keeps the newer hint's children digests, whichever cause wins, and none when the newer has none", () => {
    const added: Hint = {
      ...base,
      uid: "u",
      resourceVersion: "3",
      cause: "added",
      childDigests: { Pod: "0.a" },
    };
    const child: Hint = {
      ...base,
      uid: "u",
      resourceVersion: "8",
      cause: "child",
      childDigests: { Pod: "1.b" },
    };
    expect(mergeHints(added, child)).toEqual({ ...added, childDigests: { Pod: "1.b" } });
    expect(mergeHints(child, added)).toEqual(added);
    const { childDigests: _, ...bare } = child;
    expect(mergeHints(added, bare)).toEqual({ ...base, uid: "u", resourceVersion: "3", cause: "added" });
  });
});
