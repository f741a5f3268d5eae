/** The parent side of `forwarderShard.ts`: spawns it, reads its JSON lines, sends it commands. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const script = new URL("./forwarderShard.ts", import.meta.url).pathname;

/** One line the shard printed. */
export type ShardLine = Record<string, number | string> & { step: string };

/** A running forwarder shard process. */
export interface ShardProcess {
  /** The next line with this `step`. */
  next(step: string): Promise<ShardLine>;
  send(command: string): void;
  close(): Promise<void>;
}

/**
 * The V8 heap flags AWS Lambda's Node.js runtime starts a function of `memoryMb` with: a tenth of the memory for
 * the young generation (half of it per semi-space), the rest for the old one. `semiSpaceMb` replaces the
 * semi-space size, as the forwarder function's `NODE_OPTIONS` does.
 */
export function lambdaHeapFlags(memoryMb: number, semiSpaceMb?: number): string[] {
  const young = Math.floor(memoryMb / 10);
  const semiSpace = semiSpaceMb ?? Math.floor(young / 2);
  return [`--max-semi-space-size=${semiSpace}`, `--max-old-space-size=${memoryMb - young}`];
}

/**
 * Starts a shard over `namespaces` of the sandbox behind `kubeconfigPath`, holding `crs` CRs in all, with the
 * heap flags of a Lambda function of `memoryMb` (semi-spaces of `semiSpaceMb` when given), at most `openConcurrency` clusters opening at once (0: all).
 */
export function startShard(
  kubeconfigPath: string,
  namespaces: readonly string[],
  crs: number,
  protocol: "http1" | "http2",
  memoryMb: number,
  openConcurrency = 0,
  semiSpaceMb?: number,
): ShardProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--expose-gc",
      ...lambdaHeapFlags(memoryMb, semiSpaceMb),
      script,
      kubeconfigPath,
      namespaces.join(","),
      String(crs),
      protocol,
      String(openConcurrency),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines: ShardLine[] = [];
  const waiting: Array<{ step: string; resolve: (line: ShardLine) => void }> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
    const line = JSON.parse(text) as ShardLine;
    const w = waiting.findIndex((x) => x.step === line.step);
    if (w >= 0) waiting.splice(w, 1)[0]?.resolve(line);
    else lines.push(line);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    next(step) {
      const i = lines.findIndex((l) => l.step === step);
      if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0] as ShardLine);
      return Promise.race([
        new Promise<ShardLine>((resolve) => waiting.push({ step, resolve })),
        exited.then(() => Promise.reject(new Error(`the forwarder shard exited before '${step}'`))),
      ]);
    },
    send(command) {
      child.stdin?.write(`${command}\n`);
    },
    async close() {
      if (child.exitCode === null) {
        child.stdin?.write("stop\n");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * RSS (after a memory-reducing full GC, as the shard reads it) of a fresh Node process that has imported the
 * forwarder's Lambda bundle (esbuild, minified, as deployed): the memory a shard holds before its first cluster.
 */
export function bundledForwarderRss(memoryMb: number): number {
  const functions = new URL("../../../packages/functions/", import.meta.url).pathname;
  execFileSync(process.execPath, [`${functions}scripts/bundle.ts`, "--no-measure"], { stdio: "ignore" });
  const file = `${functions}dist/forwarder/index.mjs`;
  const gc = `globalThis.gc({ type: "major", execution: "sync", flavor: "last-resort" })`;
  const script = `await import(${JSON.stringify(file)}); ${gc}; console.log(process.memoryUsage().rss)`;
  const flags = ["--expose-gc", ...lambdaHeapFlags(memoryMb), "--input-type=module", "-e", script];
  const out = execFileSync(process.execPath, flags, {
    env: { ...process.env, AWS_REGION: "eu-west-1", REGISTRY_SOURCE: "ssm:/bench" },
  });
  return Number(String(out).trim());
}
