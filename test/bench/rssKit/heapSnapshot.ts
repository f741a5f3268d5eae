/**
 * A V8 heap snapshot (the JSON `--heapsnapshot-signal` writes) summed by node type and by constructor: where a
 * process's JS heap goes, by self size; and its largest strings, which are module sources.
 */

/** The parts of a heap snapshot file read here. */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(2)} MiB`;

/** A printable summary of `snapshot`. */
export function summariseHeapSnapshot(snapshot: HeapSnapshot): string {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const byType = new Map<string, number>();
  const byName = new Map<string, { size: number; count: number }>();
  let total = 0;
  const strings: [number, string][] = [];
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt] as number] ?? "?";
    const name = snapshot.strings[snapshot.nodes[i + nameAt] as number] ?? "";
    const size = snapshot.nodes[i + sizeAt] as number;
    total += size;
    byType.set(type, (byType.get(type) ?? 0) + size);
    const key = type === "object" || type === "closure" ? `${type} ${name.slice(0, 40)}` : type;
    const group = byName.get(key) ?? { size: 0, count: 0 };
    group.size += size;
    group.count += 1;
    byName.set(key, group);
    if (type === "string" && size > 32 * 1024) strings.push([size, name.slice(0, 60).replace(/\s+/g, " ")]);
  }
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `  heap snapshot: ${mib(total)} in ${snapshot.nodes.length / width} objects`,
    `    by type: ${top(byType, 8)
      .map(([t, s]) => `${t} ${mib(s)}`)
      .join(", ")}`,
    "    largest groups (self size, count):",
    ...[...byName]
      .sort((a, b) => b[1].size - a[1].size)
      .slice(0, 15)
      .map(([key, g]) => `      ${mib(g.size).padStart(9)} ${String(g.count).padStart(7)}  ${key}`),
    `    strings over 32 KiB: ${strings.length}, ${mib(strings.reduce((n, [s]) => n + s, 0))}; the largest:`,
    ...strings
      .sort((a, b) => b[0] - a[0])
      .slice(0, 6)
      .map(([size, start]) => `      ${mib(size).padStart(9)}  ${start}`),
  ].join("\n");
}
