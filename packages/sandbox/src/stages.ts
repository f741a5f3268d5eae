/** Renders the sandbox's own kwok Stage files (packages/sandbox/stages) into one config file for kwok. */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KUBERNETES_VERSION } from "./build.ts";
import { SandboxError } from "./errors.ts";
import { STAGES_DIR } from "./paths.ts";

/** Image host whose pods never pull: kwok reports ImagePullBackOff (stages/pod-faults.yaml). */
export const UNPULLABLE_IMAGE_HOST = "unpullable.sandbox.invalid";
/** Image host whose containers exit with code 1 over and over: kwok reports CrashLoopBackOff. */
export const CRASH_LOOP_IMAGE_HOST = "crashloop.sandbox.invalid";

/** Default pod start delay: 1–3 s, as a kubelet pulling a cached image and starting a container. */
export const DEFAULT_POD_START_DELAY_MS = 1_000;

/** The start delay range for a given minimum: uniformly between `min` and `3 × min` (0 means at once). */
export function computeStartDelayRange(podStartDelayMs: number): { min: number; max: number } {
  if (!Number.isInteger(podStartDelayMs) || podStartDelayMs < 0)
    throw new SandboxError(
      `podStartDelayMs: must be a whole number of milliseconds ≥ 0, got ${podStartDelayMs}`,
    );
  return { min: podStartDelayMs, max: podStartDelayMs * 3 };
}

/** Writes every stage file, with the delay and version filled in, as one multi-document YAML; returns its path. */
export async function renderStages(outFile: string, podStartDelayMs: number): Promise<string> {
  const { min, max } = computeStartDelayRange(podStartDelayMs);
  const files = (await readdir(STAGES_DIR)).filter((f) => f.endsWith(".yaml")).sort();
  const documents = await Promise.all(files.map((f) => readFile(join(STAGES_DIR, f), "utf8")));
  const rendered = documents
    .join("\n---\n")
    .replaceAll("__POD_START_MIN_MS__", String(min))
    .replaceAll("__POD_START_MAX_MS__", String(max))
    .replaceAll("__KUBE_VERSION__", KUBERNETES_VERSION);
  await writeFile(outFile, rendered);
  return outFile;
}
