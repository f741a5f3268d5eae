/** A lock file shared by processes (test workers, CLI runs) that must not build or start the same thing twice. */
import { mkdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { isPidAlive } from "./processes.ts";

/** Options for {@link withFileLock}. */
export interface FileLockOptions {
  /** Called once when another live process holds the lock. */
  onWait?: (holderPid: number) => void;
}

async function holderPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number.parseInt(text, 10);
  return Number.isFinite(pid) ? pid : undefined;
}

/** An empty lock file is one being written right now, unless it has been empty for a while. */
async function isOlderThan(path: string, ageMs: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info === undefined || Date.now() - info.mtimeMs > ageMs;
}

/**
 * Runs `fn` while holding the lock file at `path` (created exclusively, holding our pid). A lock whose holder
 * died is taken over.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  let told = false;
  // On a fresh machine the first lock is taken before anything created the state folder.
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = await holderPid(path);
    if (pid === undefined ? await isOlderThan(path, 5_000) : !isPidAlive(pid)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (!told && pid !== undefined) options.onWait?.(pid);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
