/**
 * A bounded memo of a pure function's results by a string key: the most recently used `capacity` entries stay,
 * the least recently used one goes first. For work a pass repeats on the same input (every pass of a CR parses the
 * same config and hashes the same templates); the values must never be changed by callers.
 */
export class RecentMemo<V> {
  private readonly entries = new Map<string, V>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The value for `key`, computed with `compute` (once) when it is not held. */
  get(key: string, compute: () => V): V {
    const held = this.entries.get(key);
    const value = held === undefined && !this.entries.has(key) ? compute() : (held as V);
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
