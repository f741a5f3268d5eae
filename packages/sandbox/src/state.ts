/**
 * state.json of a named sandbox: what is running, on which ports, where its files are. Written as processes start
 * (so a crash half-way still leaves every pid to clean up) and marked `ready` once the sandbox can be used.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod";
import { isPidAlive, isRunning } from "./processes.ts";

const ProcessRecordSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  startTicks: z.number().int().nonnegative(),
  logFile: z.string(),
});

/** Schema of state.json; parsing rejects files from another version of the sandbox. */
export const SandboxStateSchema = z.object({
  name: z.string(),
  createdAt: z.string(),
  ready: z.boolean(),
  /** Process that ran the start; a sandbox never marked ready whose starter is gone crashed while starting. */
  startedBy: z.number().int().positive(),
  /** Process that owns a test-run sandbox; when it is gone, the sandbox is an orphan. Unset for `sandbox up`. */
  ownerPid: z.number().int().positive().optional(),
  dir: z.string(),
  kubeconfigPath: z.string(),
  apiserverUrl: z.string(),
  ports: z.object({ etcdClient: z.number(), etcdPeer: z.number(), apiserver: z.number() }),
  /** Pod IPs are handed out from this loopback range (unique per live sandbox). */
  podCidr: z.string(),
  binDir: z.string(),
  etcdDataDir: z.string(),
  podStartDelayMs: z.number(),
  nodes: z.number(),
  emulatorAdminUrl: z.string().optional(),
  processes: z.array(ProcessRecordSchema),
});

/** The parsed state.json of one sandbox. */
export type SandboxState = z.infer<typeof SandboxStateSchema>;

/** How a recorded sandbox is doing: `running` (all processes up), `starting`, or `stale` (crashed, orphaned, half dead). */
export type SandboxHealth = "running" | "starting" | "stale";

/** The path of a sandbox folder's state file. */
export const stateFile = (dir: string): string => join(dir, "state.json");

/** Reads state.json; undefined when the folder has none or it cannot be parsed (a stale folder either way). */
export async function readState(dir: string): Promise<SandboxState | undefined> {
  const text = await readFile(stateFile(dir), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = SandboxStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes state.json atomically (temp file + rename), so readers never see half a file. */
export async function writeState(state: SandboxState): Promise<void> {
  const path = stateFile(state.dir);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, path);
}

/** Classifies a recorded sandbox from its processes and its owner. */
export function healthOf(state: SandboxState): SandboxHealth {
  if (state.ownerPid !== undefined && !isPidAlive(state.ownerPid)) return "stale";
  if (!state.processes.every(isRunning)) return "stale";
  if (state.ready) return "running";
  return isPidAlive(state.startedBy) ? "starting" : "stale";
}
