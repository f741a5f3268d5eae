import { type EmqxStatus, EmqxStatusSchema } from "@emqx-reconciler/api";

/**
 * The status as read, parsed (node entries get `name` next to `node`, counts their defaults). A status nobody can
 * parse (corrupted, or written by something else) counts as empty rather than blocking the reconcile.
 */
export function parsePriorStatus(raw: unknown): EmqxStatus {
  const parsed = EmqxStatusSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}
