/**
 * "Secrets nowhere": the canary values of the chaos CR and the credentials the reconciler generated (read from
 * its own state Secret) must not show up in the reconciler's output, the namespace's Events, or the CR's status
 * and annotations.
 */
import type { KubeGateway } from "@emqx-reconciler/adapters";
import { childNames } from "@emqx-reconciler/api";
import { CHAOS_CANARIES } from "./cr.ts";
import { leakedCanaries } from "./invariants.ts";

/** Generated values shorter than this are too likely to occur by chance to be searched for. */
const MIN_GENERATED_LENGTH = 9;

/** One line per secret value found where people and tools read. */
export async function canaryLeaks(
  observer: KubeGateway,
  namespace: string,
  name: string,
  reconcilerOutput: string,
): Promise<string[]> {
  const [state, cr, events] = await Promise.all([
    observer.getSecret(namespace, childNames(name).reconcilerState),
    observer.getEmqx(namespace, name),
    observer.list("Event", { namespace }),
  ]);
  const generated = Object.values(state ?? {})
    .map((v) => v.replace(/^"(.*)"$/, "$1"))
    .filter((v) => v.length >= MIN_GENERATED_LENGTH);
  const canaries = [...Object.values(CHAOS_CANARIES), ...generated];
  const places: Array<[string, string]> = [
    ["the reconciler's output", reconcilerOutput],
    ["Events", JSON.stringify(events.items)],
    ["the CR's status", JSON.stringify(cr?.status ?? {})],
    ["the CR's annotations", JSON.stringify(cr?.metadata?.annotations ?? {})],
  ];
  return places.flatMap(([where, text]) =>
    leakedCanaries(text, canaries).map((c) => `secret ${c.slice(0, 4)}… found in ${where}`),
  );
}
