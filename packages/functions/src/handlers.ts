/**
 * Every Lambda handler of the package, by file name: `packages/functions/src/<name>.handler`. The infra, the bundle
 * script and the topology test all read this list, so a handler cannot be declared without existing.
 */
export const HANDLER_NAMES = ["admit", "reconcile", "requeue", "status", "forwarder", "scale"] as const;
/** A handler's name. */
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** The handler path SST's `sst.aws.Function` takes for `name`, relative to the repo root. */
export function handlerPath(name: HandlerName): string {
  return `packages/functions/src/${name}.handler`;
}
