import { type EmqxStatus, EmqxStatusSchema } from "@emqx-reconciler/api";

/**
 * The status as read, parsed (node entries get `name` next to `node`, counts their defaults). A status nobody can
 * parse (corrupted, or written by something else) counts as empty rather than blocking the reconcile.
 */
export function parsePriorStatus(raw: unknown): EmqxStatus {
  if (typeof raw !== "object" || raw === null) return parse(raw);
  let parsed = recentParses.get(raw);
  if (parsed === undefined) {
    parsed = parse(raw);
    recentParses.set(raw, parsed);
  }
  return parsed;
}

/**
 * A pass parses the status it read more than once (planning, the EMQX API reads, the status refresh), always the
 * same object: the result is kept as long as that object lives. Callers never modify either.
 */
const recentParses = new WeakMap<object, EmqxStatus>();

function parse(raw: unknown): EmqxStatus {
  const parsed = EmqxStatusSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}
