/** The `MEMORY_PROBE` line of the idle `run` process (see rss.ts) as printable lines. */

interface Probe {
  usage: Record<string, number>;
  /** `[space name, used bytes, resident bytes]` per V8 heap space. */
  spaces: [string, number, number][];
  builtins: number;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** `json` is the probe's JSON text. */
export function summariseProbe(json: string): string {
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
    `  Node built-in modules loaded: ${probe.builtins}`,
  ].join("\n");
}
