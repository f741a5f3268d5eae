import type { EmqxStatus } from "@emqx-reconciler/api";
import { canonicalJson } from "../template/canonicalJson.ts";

/**
 * Whether the planned status differs from the status as read, compared as JSON data (key order and absent vs
 * undefined members do not count). Compared with the raw status rather than its parsed form, so fields our schema
 * fills in (node `name` next to `node`, for clusters the operator wrote) are written once.
 */
export function statusDiffers(raw: unknown, planned: EmqxStatus): boolean {
  const asData = (value: unknown) => canonicalJson(JSON.parse(JSON.stringify(value ?? {})));
  return asData(raw) !== asData(planned);
}
