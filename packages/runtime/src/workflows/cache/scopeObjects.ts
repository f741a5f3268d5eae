/**
 * The objects of one cached scope by `namespace/name`, indexed by the `apps.emqx.io/instance` label, so the list
 * of one CR's children visits that CR's objects only instead of every object of the kind.
 */
import type { KubeObject } from "@emqx-reconciler/adapters";
import { LABEL_INSTANCE } from "@emqx-reconciler/api";

function instanceOf(obj: KubeObject | undefined): string | undefined {
  return obj?.metadata?.labels?.[LABEL_INSTANCE];
}

/** A map of one scope's objects with the instance-label index kept beside it. */
export class ScopeObjects {
  private readonly byKey = new Map<string, KubeObject>();
  private readonly byInstance = new Map<string, Set<string>>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): KubeObject | undefined {
    return this.byKey.get(key);
  }

  set(key: string, obj: KubeObject): void {
    this.unindex(key, this.byKey.get(key));
    this.byKey.set(key, obj);
    const instance = instanceOf(obj);
    if (instance === undefined) return;
    const keys = this.byInstance.get(instance) ?? new Set<string>();
    keys.add(key);
    this.byInstance.set(instance, keys);
  }

  delete(key: string): void {
    this.unindex(key, this.byKey.get(key));
    this.byKey.delete(key);
  }

  /** Every object, or only those whose instance label is `instance` when given. */
  *values(instance?: string): IterableIterator<KubeObject> {
    if (instance === undefined) {
      yield* this.byKey.values();
      return;
    }
    for (const key of this.byInstance.get(instance) ?? []) {
      const obj = this.byKey.get(key);
      if (obj) yield obj;
    }
  }

  private unindex(key: string, held: KubeObject | undefined): void {
    const instance = instanceOf(held);
    if (instance === undefined) return;
    const keys = this.byInstance.get(instance);
    keys?.delete(key);
    if (keys?.size === 0) this.byInstance.delete(instance);
  }
}
