/**
 * `/proc/<pid>/smaps` of a Node process summed into the parts that explain its RSS: the Node executable's pages,
 * other mapped files, the malloc heap (`[heap]`), the main stack, and the anonymous mappings (V8 heap pages, code
 * space, thread stacks, malloc arenas, WebAssembly memory), the largest of them listed with their permissions.
 */

/** One mapping: its name (path, `[heap]`, … or empty for anonymous), permissions, size and resident kB. */
export interface Mapping {
  name: string;
  perms: string;
  sizeKb: number;
  rssKb: number;
  anonKb: number;
}

/** Parses smaps text into mappings. */
export function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  let current: Mapping | undefined;
  for (const line of text.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+\s+(\S+)\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line);
    if (header) {
      current = { name: header[2] ?? "", perms: header[1] ?? "", sizeKb: 0, rssKb: 0, anonKb: 0 };
      mappings.push(current);
      continue;
    }
    const field = /^(Size|Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (!field || !current) continue;
    const kb = Number(field[2]);
    if (field[1] === "Size") current.sizeKb = kb;
    else if (field[1] === "Rss") current.rssKb = kb;
    else current.anonKb = kb;
  }
  return mappings;
}

/** The part a mapping counts under. */
function partOf(mapping: Mapping, executable: string): string {
  if (mapping.name === executable) return "node executable";
  if (mapping.name === "[heap]") return "malloc heap ([heap])";
  if (mapping.name === "[stack]") return "main thread stack";
  if (mapping.name.startsWith("/")) return "other files (libc, libstdc++, …)";
  if (mapping.name.startsWith("[")) return `kernel ${mapping.name}`;
  return "anonymous (V8 heap and code, thread stacks, malloc arenas, wasm)";
}

const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

/** A printable breakdown of `text` (smaps), `executable` being the real path of the Node binary. */
export function summariseSmaps(text: string, executable: string): string {
  const mappings = parseSmaps(text);
  const parts = new Map<string, { rss: number; anon: number; count: number }>();
  for (const m of mappings) {
    const part = partOf(m, executable);
    const sum = parts.get(part) ?? { rss: 0, anon: 0, count: 0 };
    sum.rss += m.rssKb;
    sum.anon += m.anonKb;
    sum.count += 1;
    parts.set(part, sum);
  }
  const lines = ["  smaps by part (resident, of it anonymous):"];
  for (const [part, sum] of [...parts].sort((a, b) => b[1].rss - a[1].rss)) {
    lines.push(`    ${mib(sum.rss).padStart(9)} (${mib(sum.anon)})  ${part}, ${sum.count} mappings`);
  }
  const anonymous = mappings
    .filter((m) => partOf(m, executable).startsWith("anonymous") && m.rssKb > 0)
    .sort((a, b) => b.rssKb - a.rssKb);
  const largest = anonymous.slice(0, 12).map((m) => `${mib(m.rssKb)} of ${mib(m.sizeKb)} ${m.perms}`);
  lines.push(`    largest anonymous mappings (resident of size, perms): ${largest.join("; ")}`);
  const executableText = mappings.filter((m) => m.name === executable);
  lines.push(
    `    node executable by permission: ${["r--p", "r-xp", "rw-p"]
      .map((p) => `${p} ${mib(executableText.filter((m) => m.perms === p).reduce((n, m) => n + m.rssKb, 0))}`)
      .join(", ")}`,
  );
  return lines.join("\n");
}
