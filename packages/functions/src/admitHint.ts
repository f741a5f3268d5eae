import { crKey, type Hint, HintCause } from "@emqx-reconciler/api";
import { allowedEntry } from "./allowList.ts";
import { count, logger } from "./observability.ts";
import { hintQueue } from "./shared.ts";

/** Resync hints of one sweep share a minute bucket: a redelivered one is deduplicated, the next sweep's is not. */
const RESYNC_BUCKET_MS = 60_000;

/**
 * The admit step: a hint for a registered cluster goes to the FIFO reconcile queue, grouped by its CR
 * key; a hint naming an unregistered cluster (or a namespace the cluster's entry does not serve) is dropped and counted before anything talks to a cluster (a spoofed
 * hint costs one registry read, which is cached).
 */
export async function admitHint(hint: Hint, nonce?: string): Promise<"admitted" | "dropped"> {
  const key = crKey(hint.cluster, hint.namespace, hint.name);
  if (!(await allowedEntry(hint.cluster, hint.namespace))) {
    count("HintsDropped");
    logger.warn("Dropped hint for an unregistered cluster or namespace", { key, cause: hint.cause });
    return "dropped";
  }
  const bucket =
    hint.cause === HintCause.Resync ? String(Math.floor(Date.now() / RESYNC_BUCKET_MS)) : undefined;
  await (await hintQueue()).enqueue(hint, nonce ?? bucket);
  count("HintsAdmitted");
  logger.info("Admitted hint", { key, cause: hint.cause });
  return "admitted";
}
