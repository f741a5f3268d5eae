import { HoconError, type Position } from "./errors.ts";
import type { HoconLimits, WorkBudget } from "./limits.ts";
import type { ConcatNode, Node, ObjNode, PriorNode, SubstNode } from "./nodes.ts";
import type { HoconObject, HoconScalar, HoconValue } from "./values.ts";

const ABSENT = null;

/**
 * Resolves substitutions against the document itself, never against the process environment: an unresolved
 * `${X}` is an error naming its line, an unresolved `${?X}` leaves its field out (HOCON's rule for optional
 * substitutions). Each node resolves once (memoised), cycles are reported, and all work is metered.
 */
export class Resolver {
  private readonly root: ObjNode;
  private readonly source: string;
  private readonly limits: HoconLimits;
  private readonly budget: WorkBudget;
  private readonly memo = new Map<Node, HoconValue | typeof ABSENT>();
  private readonly active = new Set<Node>();
  private readonly trail: Position[] = [{ line: 1, column: 1 }];
  private depth = 0;

  constructor(root: ObjNode, source: string, limits: HoconLimits, budget: WorkBudget) {
    this.root = root;
    this.source = source;
    this.limits = limits;
    this.budget = budget;
  }

  /** The resolved root object. */
  resolveRoot(): HoconObject {
    return this.resolve(this.root) as HoconObject;
  }

  private resolve(node: Node): HoconValue | undefined {
    if (node.kind === "string" || node.kind === "number" || node.kind === "boolean" || node.kind === "null") {
      return node;
    }
    const cached = this.memo.get(node);
    if (cached !== undefined) return cached ?? undefined;
    const at = "at" in node ? node.at : this.here();
    if (this.active.has(node)) this.fail(at, "substitutions form a cycle");
    this.enter(at);
    this.active.add(node);
    this.trail.push(at);
    const value = this.compute(node, at);
    this.trail.pop();
    this.active.delete(node);
    this.depth--;
    this.memo.set(node, value ?? ABSENT);
    return value;
  }

  private compute(node: Node, at: Position): HoconValue | undefined {
    switch (node.kind) {
      case "obj": {
        const fields = new Map<string, HoconValue>();
        for (const [key, child] of node.fields) {
          const value = this.resolve(child);
          if (value !== undefined) fields.set(key, value);
        }
        this.budget.spend(fields.size + 1, at);
        return { kind: "object", fields };
      }
      case "arr": {
        const items = node.items.map((item) => this.resolve(item)).filter((v) => v !== undefined);
        this.budget.spend(items.length + 1, at);
        return { kind: "array", items };
      }
      case "merge": {
        const newer = this.resolve(node.newer);
        const older = this.resolve(node.older);
        if (older?.kind === "object" && newer?.kind === "object") return this.merge(older, newer, at);
        return newer ?? older;
      }
      case "subst":
        return this.lookup(this.root, node.path, node);
      case "prior":
        return this.resolvePrior(node);
      case "concat":
        return this.concat(node);
      default:
        return undefined;
    }
  }

  private resolvePrior(node: PriorNode): HoconValue | undefined {
    if (node.base !== undefined) {
      const value = this.lookup(node.base, node.tail, undefined);
      if (value !== undefined || node.optional) return value;
    } else if (node.optional) return undefined;
    return this.fail(
      node.at,
      `cannot resolve \${${node.path.join(".")}}: it refers to itself and has no earlier value`,
    );
  }

  /** Follows `path` from `start` and reports a required substitution that finds nothing. */
  private lookup(start: Node, path: readonly string[], subst: SubstNode | undefined): HoconValue | undefined {
    const value = this.lookupFrom(start, path, 0);
    if (value !== undefined || subst === undefined || subst.optional) return value;
    return this.fail(
      subst.at,
      `cannot resolve \${${subst.path.join(".")}}: no such key in the configuration (the environment is never read)`,
    );
  }

  /**
   * The value at `path[i..]` under `node`, resolving only what the walk passes through, so a field may refer to a
   * sibling inside an object that is still being resolved. Through a merge the newer side wins, as in `merge`.
   */
  private lookupFrom(node: Node, path: readonly string[], i: number): HoconValue | undefined {
    this.enter(this.here());
    const value = this.lookupStep(node, path, i);
    this.depth--;
    return value;
  }

  private lookupStep(node: Node, path: readonly string[], i: number): HoconValue | undefined {
    if (i === path.length) return this.resolve(node);
    if (node.kind === "obj") {
      const child = node.fields.get(path[i] as string);
      return child === undefined ? undefined : this.lookupFrom(child, path, i + 1);
    }
    if (node.kind === "merge") {
      const newer = this.lookupFrom(node.newer, path, i);
      if (newer !== undefined && newer.kind !== "object") return newer;
      const older = this.lookupFrom(node.older, path, i);
      if (newer === undefined) return older;
      return older?.kind === "object" ? this.merge(older, newer as HoconObject, this.here()) : newer;
    }
    let value = this.resolve(node);
    for (let j = i; j < path.length && value !== undefined; j++) {
      value = value.kind === "object" ? value.fields.get(path[j] as string) : undefined;
    }
    return value;
  }

  /** One more level of recursion (resolution or lookup); bounded so hostile chains fail before the stack does. */
  private enter(at: Position): void {
    this.depth++;
    if (this.depth > this.limits.maxResolveDepth) {
      this.fail(at, `substitutions nest deeper than ${this.limits.maxResolveDepth} levels`);
    }
  }

  private here(): Position {
    return this.trail[this.trail.length - 1] as Position;
  }

  private concat(node: ConcatNode): HoconValue | undefined {
    const values: (HoconValue | string)[] = [];
    for (const part of node.parts) {
      const value = part.kind === "ws" ? part.text : this.resolve(part);
      if (value !== undefined) values.push(value);
    }
    const present = values.filter((v): v is HoconValue => typeof v !== "string");
    const first = present[0];
    if (first === undefined) return undefined;
    if (present.every((v) => v.kind === "object")) {
      return present
        .slice(1)
        .reduce((acc, v) => this.merge(acc, v as HoconObject, node.at), first as HoconObject);
    }
    if (present.every((v) => v.kind === "array")) {
      const items = present.flatMap((v) => (v.kind === "array" ? v.items : []));
      this.budget.spend(items.length + 1, node.at);
      return { kind: "array", items };
    }
    if (present.some((v) => v.kind === "object" || v.kind === "array")) {
      this.fail(node.at, "cannot join an object or array with a string in one value");
    }
    if (present.length === 1) return first;
    return this.joinText(values, node.at);
  }

  /** Joins scalars, keeping whitespace only where it sits between two present values. */
  private joinText(values: readonly (HoconValue | string)[], at: Position): HoconScalar {
    let text = "";
    let pending = "";
    let started = false;
    let quoted = false;
    for (const value of values) {
      if (typeof value === "string") {
        if (started) pending += value;
        continue;
      }
      const scalar = value as HoconScalar;
      text += pending + scalar.text;
      pending = "";
      started = true;
      quoted ||= scalar.quoted;
    }
    this.budget.spend(text.length + 1, at);
    return { kind: "string", text, quoted };
  }

  /** Deep merge: `newer` wins, objects on both sides merge. */
  private merge(older: HoconObject, newer: HoconObject, at: Position): HoconObject {
    const fields = new Map(older.fields);
    for (const [key, value] of newer.fields) {
      const previous = fields.get(key);
      fields.set(
        key,
        previous?.kind === "object" && value.kind === "object" ? this.merge(previous, value, at) : value,
      );
    }
    this.budget.spend(fields.size + 1, at);
    return { kind: "object", fields };
  }

  private fail(at: Position, reason: string): never {
    throw new HoconError(this.source, at.line, at.column, reason);
  }
}
