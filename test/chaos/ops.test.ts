import { describe, expect, it } from "vitest";
import { type ChaosOp, DELETABLE, type Edit, generateOps, SCALE_BOUNDS } from "./ops.ts";

const applied = (ops: readonly ChaosOp[]) => ops.filter((o) => o.kind !== "quiet");

describe("generateOps", () => {
  it("is a pure function of the seed and the options", () => {
    const options = { count: 200, apiserverRestart: true };
    expect(generateOps(42, options)).toEqual(generateOps(42, options));
    expect(generateOps(42, options)).not.toEqual(generateOps(43, options));
  });

  it("gives exactly the asked ops, a quiet period after at most six of them and at the end", () => {
    for (const seed of [1, 2, 3, 99]) {
      const ops = generateOps(seed, { count: 150, apiserverRestart: false });
      expect(applied(ops)).toHaveLength(150);
      expect(ops.at(-1)?.kind).toBe("quiet");
      let run = 0;
      for (const op of ops) {
        run = op.kind === "quiet" ? 0 : run + 1;
        expect(run).toBeLessThanOrEqual(6);
      }
    }
  });

  it("keeps scales in bounds, gaps within 1–5 s outside bursts, and restarts the apiserver only when allowed", () => {
    const ops = generateOps(5, { count: 600, apiserverRestart: false });
    const edits = ops.flatMap(
      (o): ReadonlyArray<ChaosOp | Edit> =>
        o.kind === "burst" ? o.edits : o.kind === "duplicate" ? [o.edit] : [o],
    );
    for (const e of edits)
      if (e.kind === "scale") {
        const [min, max] = SCALE_BOUNDS[e.role];
        expect(e.replicas).toBeGreaterThanOrEqual(min);
        expect(e.replicas).toBeLessThanOrEqual(max);
      }
    for (const op of ops) expect(op.gapMs === 0 || (op.gapMs >= 1000 && op.gapMs <= 5000)).toBe(true);
    expect(ops.some((o) => o.kind === "apiserver-restart")).toBe(false);
    const withRestart = generateOps(5, { count: 600, apiserverRestart: true });
    expect(withRestart.some((o) => o.kind === "apiserver-restart")).toBe(true);
  });

  it("covers every kind of op, every deletable child, and kills right after a blue-green or scale-down starts", () => {
    const ops = generateOps(11, { count: 600, apiserverRestart: true });
    const kinds = new Set(ops.map((o) => o.kind));
    for (const kind of ["scale", "image", "config", "burst", "duplicate", "delete", "fault", "kill", "quiet"])
      expect(kinds).toContain(kind);
    const deleted = new Set(ops.flatMap((o) => (o.kind === "delete" ? [o.target] : [])));
    expect([...deleted].sort()).toEqual([...DELETABLE].sort());
    const killAfterEdit = ops.some(
      (o, i) => o.kind === "image" && o.gapMs === 0 && ops[i + 1]?.kind === "kill",
    );
    expect(killAfterEdit).toBe(true);
  });

  it("deletes at most one credential Secret between two quiet periods", () => {
    const ops = generateOps(3, { count: 800, apiserverRestart: false });
    let secrets = 0;
    for (const op of ops) {
      if (op.kind === "quiet") secrets = 0;
      else if (op.kind === "delete" && op.target.startsWith("Secret/")) secrets++;
      expect(secrets).toBeLessThanOrEqual(1);
    }
  });
});
