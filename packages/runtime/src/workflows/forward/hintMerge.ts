import { type Hint, HintCause } from "@emqx-reconciler/api";

/**
 * How much a cause says, for keeping one hint per key: a deletion outranks a creation, which outranks a change
 * of the CR, then of a child, then a mere resync. Causes are informational (every handler re-reads the cluster),
 * so the rank only decides which story the surviving hint tells.
 */
export const CAUSE_RANK: Readonly<Record<HintCause, number>> = {
  [HintCause.Resync]: 0,
  [HintCause.Requeue]: 1,
  [HintCause.Child]: 2,
  [HintCause.Scale]: 3,
  [HintCause.Modified]: 4,
  [HintCause.Added]: 5,
  [HintCause.Deleted]: 6,
};

/**
 * Folds two hints for the same key into one. A newer hint about a different incarnation of the CR (another uid)
 * replaces the older outright: the old object is gone and garbage collection handles its children. Otherwise
 * the stronger cause wins (the newer on a tie), keeping a uid when only the other hint knew it. The children's
 * digests are always the newer hint's (none when it has none): they describe the watch when that hint was made.
 */
export function mergeHints(older: Hint, newer: Hint): Hint {
  if (older.uid && newer.uid && older.uid !== newer.uid) return newer;
  const winner = CAUSE_RANK[older.cause] > CAUSE_RANK[newer.cause] ? older : newer;
  const uid = winner.uid ?? older.uid ?? newer.uid;
  if (winner === newer) return uid === winner.uid ? winner : { ...winner, uid };
  const { childDigests: _older, ...story } = winner;
  return {
    ...story,
    ...(uid ? { uid } : {}),
    ...(newer.childDigests ? { childDigests: newer.childDigests } : {}),
  };
}
