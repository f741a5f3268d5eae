import type { V1ContainerPort, V1ServicePort } from "@kubernetes/client-node";

/**
 * Joins port lists the operator's way (`MergeServicePorts` / `MergeContainerPorts`): in order, keeping a port only
 * when neither its name nor its number was seen before, so the first list wins both ways. A missing name counts as
 * the name "", exactly as in the operator, so only the first unnamed port is kept.
 */
function mergeUnique<T>(
  lists: ReadonlyArray<readonly T[]>,
  nameOf: (p: T) => string,
  numberOf: (p: T) => number,
): T[] {
  const names = new Set<string>();
  const numbers = new Set<number>();
  const out: T[] = [];
  for (const port of lists.flat()) {
    const name = nameOf(port);
    const number = numberOf(port);
    if (names.has(name) || numbers.has(number)) continue;
    names.add(name);
    numbers.add(number);
    out.push(port);
  }
  return out;
}

/**
 * Service ports of a Service template followed by the derived ones, de-duplicated by name and by port number,
 * first wins.
 *
 * Each port gets `protocol: TCP` and `targetPort = port` when it has none: the apiserver fills the same values, and
 * setting them ourselves keeps the desired object equal to the live one. Operator 2.2 bug: it left a template
 * port's `targetPort` out and rewrote the Service on every pass forever; we default it instead.
 *
 * @example mergeServicePorts(template.spec?.ports, derivedPorts)
 */
export function mergeServicePorts(
  ...lists: ReadonlyArray<readonly V1ServicePort[] | undefined>
): V1ServicePort[] {
  const complete = lists.map((list) =>
    (list ?? []).map((p) => ({ ...p, protocol: p.protocol ?? "TCP", targetPort: p.targetPort ?? p.port })),
  );
  return mergeUnique(
    complete,
    (p) => p.name ?? "",
    (p) => p.port,
  );
}

/**
 * Container ports de-duplicated by name and number, first wins, each with an explicit `protocol` (server-side
 * apply keys container ports by `containerPort` + `protocol`).
 */
export function mergeContainerPorts(
  ...lists: ReadonlyArray<readonly V1ContainerPort[] | undefined>
): V1ContainerPort[] {
  const complete = lists.map((list) => (list ?? []).map((p) => ({ ...p, protocol: p.protocol ?? "TCP" })));
  return mergeUnique(
    complete,
    (p) => p.name ?? "",
    (p) => p.containerPort,
  );
}

/** The container side of derived Service ports (`TransServicePortsToContainerPorts`). */
export function toContainerPorts(ports: readonly V1ServicePort[]): V1ContainerPort[] {
  return ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? "TCP" }));
}
