import type { Position } from "./errors.ts";
import type { WorkBudget } from "./limits.ts";
import type { HoconScalar } from "./values.ts";

/**
 * The unresolved document the parser builds and the resolver reads.
 *
 * Objects are mutated while parsing (repeated keys merge into them). A self-referential substitution keeps a
 * pointer to the value a path had *before* the current assignment; that node is then `frozen`, and any later write
 * copies it first (copy-on-write), so the earlier value stays what it was.
 */
export type Node = ObjNode | ArrNode | HoconScalar | WsNode | ConcatNode | SubstNode | PriorNode | MergeNode;

export interface ObjNode {
  readonly kind: "obj";
  readonly fields: Map<string, Node>;
  frozen: boolean;
}

export interface ArrNode {
  readonly kind: "arr";
  readonly items: Node[];
}

/** Whitespace between two parts of a concatenation; kept only between simple values. */
export interface WsNode {
  readonly kind: "ws";
  readonly text: string;
}

/** Values written next to each other on one line: strings join, objects merge, arrays append. */
export interface ConcatNode {
  readonly kind: "concat";
  readonly parts: Node[];
  readonly at: Position;
}

/** `${a.b}` or `${?a.b}`, looked up in the final document. */
export interface SubstNode {
  readonly kind: "subst";
  readonly path: string[];
  readonly optional: boolean;
  readonly at: Position;
}

/** A self-referential substitution, bound to the value its path had before the field being defined. */
export interface PriorNode {
  readonly kind: "prior";
  readonly base: Node | undefined;
  readonly tail: string[];
  readonly path: string[];
  readonly optional: boolean;
  readonly at: Position;
}

/**
 * A later value written over an earlier one when either is unresolved: objects merge once both are known, an
 * absent newer value (an optional substitution that found nothing) keeps the older one, anything else replaces it.
 */
export interface MergeNode {
  readonly kind: "merge";
  readonly older: Node;
  readonly newer: Node;
  frozen: boolean;
}

/** A fresh, empty object node. */
export function newObj(): ObjNode {
  return { kind: "obj", fields: new Map(), frozen: false };
}

/** Marks a node as shared with a snapshot, so it is copied before any further write. */
export function freeze(node: Node | undefined): void {
  if (node?.kind === "obj" || node?.kind === "merge") node.frozen = true;
}

/**
 * The object at `key` of `parent` that later writes may mutate, creating or copying it as needed: a scalar or
 * array is replaced (HOCON: objects only merge with objects), an unresolved value is kept underneath a merge.
 */
export function writableObjAt(parent: ObjNode, key: string, budget: WorkBudget, at: Position): ObjNode {
  const old = parent.fields.get(key);
  if (old?.kind === "obj") {
    if (!old.frozen) return old;
    const copy = newObj();
    for (const [k, child] of old.fields) {
      freeze(child);
      copy.fields.set(k, child);
    }
    budget.spend(old.fields.size + 1, at);
    parent.fields.set(key, copy);
    return copy;
  }
  if (old?.kind === "merge" && !old.frozen && old.newer.kind === "obj" && !old.newer.frozen) return old.newer;
  const fresh = newObj();
  const unresolved = old !== undefined && old.kind !== "arr" && old.kind !== "ws" && !isScalar(old);
  parent.fields.set(key, unresolved ? { kind: "merge", older: old, newer: fresh, frozen: false } : fresh);
  return fresh;
}

/** Sets `key` to `value`, merging when both the old and the new value are objects. */
export function setField(parent: ObjNode, key: string, value: Node, budget: WorkBudget, at: Position): void {
  budget.spend(1, at);
  if (value.kind !== "obj") {
    const old = parent.fields.get(key);
    const delayed =
      old !== undefined && (value.kind === "subst" || value.kind === "prior" || value.kind === "concat");
    parent.fields.set(key, delayed ? { kind: "merge", older: old, newer: value, frozen: false } : value);
    return;
  }
  const target = writableObjAt(parent, key, budget, at);
  for (const [k, child] of value.fields) setField(target, k, child, budget, at);
}

/**
 * The node currently stored at `path` under `root`, for a self-referential substitution. When the walk meets a
 * value that is not yet an object (a substitution, a concatenation), the rest of the path is returned as `tail`
 * and followed after resolution.
 */
export function snapshotAt(
  root: ObjNode,
  path: readonly string[],
): { base: Node | undefined; tail: string[] } {
  let node: Node | undefined = root;
  for (let i = 0; i < path.length; i++) {
    if (node.kind !== "obj") {
      freeze(node);
      return { base: node, tail: path.slice(i) };
    }
    const next: Node | undefined = node.fields.get(path[i] as string);
    if (next === undefined) return { base: undefined, tail: [] };
    node = next;
  }
  freeze(node);
  return { base: node, tail: [] };
}

/** True for the scalar kinds shared with resolved values. */
export function isScalar(node: Node): node is HoconScalar {
  return node.kind === "string" || node.kind === "number" || node.kind === "boolean" || node.kind === "null";
}
