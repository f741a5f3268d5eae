/**
 * "An old set never grows, no replica count is ever negative", checked on every version of every StatefulSet and
 * ReplicaSet a watch delivers (polling could miss a step). A set may grow only while its image is the spec's: the
 * spec of the CR now, or of any CR version current within the last {@link PLANNING_LAG_MS} (a pass planned from
 * the previous spec may still land after an edit). The checks are pure over the events fed in.
 */
import { type ChaosCr, type SetLike, setImage } from "./invariants.ts";

/** How long a spec version still counts as "the spec" for a write planned from it. */
export const PLANNING_LAG_MS = 10_000;

/** Watches' events in, violations out. */
export class SetHistory {
  readonly violations: string[] = [];
  /** Images of CR versions, with the time each stopped being current (undefined: still current). */
  readonly #images: Array<{ image: string | undefined; until: number | undefined }> = [];
  readonly #replicas = new Map<string, number>();

  /** A version of the CR arrived at `at` (ms). */
  crVersion(cr: ChaosCr, at: number): void {
    const last = this.#images.at(-1);
    if (last?.image === cr.spec?.image) return;
    if (last) last.until = at;
    this.#images.push({ image: cr.spec?.image, until: undefined });
    this.#prune(at);
  }

  /** A version of a set arrived at `at` (ms); `deleted` when the watch reported it gone. */
  setVersion(kind: string, set: SetLike, at: number, deleted = false): void {
    const key = `${kind}/${set.metadata?.name}/${set.metadata?.uid}`;
    const replicas = set.spec?.replicas ?? 0;
    if (deleted) {
      this.#replicas.delete(key);
      return;
    }
    if (replicas < 0) this.violations.push(`${key}: replicas ${replicas} < 0`);
    const before = this.#replicas.get(key);
    this.#replicas.set(key, replicas);
    if (before === undefined || replicas <= before) return;
    const image = setImage(set);
    const desired = this.#images.filter((v) => v.until === undefined || at - v.until <= PLANNING_LAG_MS);
    if (!desired.some((v) => v.image === image))
      this.violations.push(
        `old set ${key} (${image}) grew ${before} → ${replicas} while the spec's image was ${desired.map((v) => v.image).join(" / ")}`,
      );
  }

  #prune(now: number): void {
    while (this.#images.length > 1 && now - (this.#images[0]?.until ?? now) > PLANNING_LAG_MS)
      this.#images.shift();
  }
}
