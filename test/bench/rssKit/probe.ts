/** The `MEMORY_PROBE` line of the idle `run` process (see rss.ts) as printable lines. */
import { execFileSync } from "node:child_process";

interface Probe {
  usage: Record<string, number>;
  /** `[space name, used bytes, resident bytes]` per V8 heap space. */
  spaces: [string, number, number][];
  /** Names of the Node built-in modules the process has loaded. */
  builtins: string[];
}

/** A JavaScript expression: the names of the Node built-in modules the process evaluating it has loaded. */
export const LOADED_BUILTINS =
  'process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13))';

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * The Node built-in modules a bare `node` with the same flags has loaded once started: each further module costs
 * its compiled code on the heap and the pages of its source and code cache in the Node executable (read in
 * 64 KiB runs).
 */
export function bareBuiltins(flags: readonly string[] = []): string[] {
  const script = `console.log(JSON.stringify(${LOADED_BUILTINS}))`;
  return JSON.parse(
    execFileSync(process.execPath, [...flags, "-e", script], { encoding: "utf8" }),
  ) as string[];
}

/** `json` is the probe's JSON text; `bare` the built-ins of a bare `node` ({@link bareBuiltins}). */
export function summariseProbe(json: string, bare: readonly string[]): string {
  const probe = JSON.parse(json) as Probe;
  const usage = Object.entries(probe.usage)
    .map(([k, v]) => `${k} ${mib(v)}`)
    .join(", ");
  const spaces = probe.spaces
    .filter(([, , resident]) => resident > 0)
    .map(([name, used, resident]) => `${name.replace(/_space$/, "")} ${mib(used)}/${mib(resident)}`)
    .join(", ");
  return [
    `  process.memoryUsage(): ${usage}`,
    `  V8 heap spaces (used/resident): ${spaces}`,
    `  Node built-in modules loaded: ${probe.builtins.length} (a bare node: ${bare.length}); beyond a bare node's:`,
    ...wrap(probe.builtins.filter((m) => !bare.includes(m)).sort()),
  ].join("\n");
}

/** `names` as indented lines of at most ~110 characters. */
function wrap(names: readonly string[]): string[] {
  const lines: string[] = [];
  for (const name of names) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last] as string).length + name.length < 110) lines[last] += ` ${name}`;
    else lines.push(`    ${name}`);
  }
  return lines;
}
