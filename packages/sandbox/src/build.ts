/**
 * Builds the sandbox's binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok) from
 * the pinned wrapper Go module into the user's cache folder, keyed by everything that shapes them. A key's folder
 * appears only when every binary built (temp folder + rename), so a half-finished build never counts.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { SandboxError } from "./errors.ts";
import { withFileLock } from "./lock.ts";
import { cacheRoot, GO_MODULE_DIR } from "./paths.ts";

/** The Kubernetes release the wrapper module pins; stamped into the binaries so `/version` is real semver. */
export const KUBERNETES_VERSION = "v1.36.3";

/** Every binary, by file name, with the Go main package that produces it. */
export const BINARIES = {
  etcd: "go.etcd.io/etcd/server/v3",
  "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
  "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
  "kube-scheduler": "k8s.io/kubernetes/cmd/kube-scheduler",
  kubectl: "k8s.io/kubernetes/cmd/kubectl",
  kwok: "sigs.k8s.io/kwok/cmd/kwok",
} as const;

/** A binary's file name. */
export type BinaryName = keyof typeof BINARIES;

const [major, minor] = KUBERNETES_VERSION.slice(1).split(".");
const VERSION_PKG = "k8s.io/component-base/version";
/** Stripped, path-independent, version-stamped. */
export const BUILD_FLAGS = [
  "-trimpath",
  "-buildvcs=false",
  "-ldflags",
  [
    "-s -w",
    `-X ${VERSION_PKG}.gitVersion=${KUBERNETES_VERSION}`,
    `-X ${VERSION_PKG}.gitMajor=${major}`,
    `-X ${VERSION_PKG}.gitMinor=${minor}`,
    `-X ${VERSION_PKG}.gitTreeState=clean`,
  ].join(" "),
];

/** Options for {@link ensureBinaries}. */
export interface EnsureBinariesOptions {
  /** Progress lines (which binary, elapsed time, heartbeats). Defaults to stderr. */
  onProgress?: (line: string) => void;
}

/** The folder holding the built binaries, and the path of each. */
export interface BinaryPaths {
  dir: string;
  bin: Record<BinaryName, string>;
}

const MANIFEST = "build.json";
const HEARTBEAT_MS = 15_000;

const seconds = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

async function moduleHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum", "tools.go"]) hash.update(await readFile(join(GO_MODULE_DIR, file)));
  return hash.digest("hex");
}

async function goEnvironment(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(
      "go",
      ["env", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED"],
      {
        cwd: GO_MODULE_DIR,
      },
    );
    return stdout.trim().split("\n").join(" ");
  } catch {
    return undefined;
  }
}

function pathsIn(dir: string): BinaryPaths {
  const bin = Object.fromEntries(Object.keys(BINARIES).map((name) => [name, join(dir, name)]));
  return { dir, bin: bin as Record<BinaryName, string> };
}

const isComplete = (dir: string): boolean => existsSync(join(dir, MANIFEST));

/** Without Go on the PATH, any finished build of the same module still serves. */
async function findBuildOfModule(root: string, modHash: string): Promise<string | undefined> {
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => /^bin-[0-9a-f]+$/.test(e))) {
    const manifest = await readFile(join(root, entry, MANIFEST), "utf8").catch(() => "{}");
    if ((JSON.parse(manifest) as { moduleHash?: string }).moduleHash === modHash) return join(root, entry);
  }
  return undefined;
}

function goBuild(name: BinaryName, outDir: string, onProgress: (line: string) => void): Promise<void> {
  const started = Date.now();
  onProgress(`building ${name} (${BINARIES[name]})`);
  const heartbeat = setInterval(
    () => onProgress(`  still building ${name}: ${seconds(Date.now() - started)}`),
    HEARTBEAT_MS,
  );
  return new Promise<void>((resolve, reject) => {
    const child = spawn("go", ["build", ...BUILD_FLAGS, "-o", join(outDir, name), BINARIES[name]], {
      cwd: GO_MODULE_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", (error) =>
      reject(new SandboxError(`could not run go: ${error.message}`, { cause: error })),
    );
    child.once("close", (code) => {
      if (code === 0) {
        onProgress(`built ${name} in ${seconds(Date.now() - started)}`);
        resolve();
      } else {
        const tail = output.trim().split("\n").slice(-8).join("\n");
        reject(new SandboxError(`go build ${BINARIES[name]} failed (exit ${code}):\n${tail}`));
      }
    });
  }).finally(() => clearInterval(heartbeat));
}

async function buildAll(
  finalDir: string,
  manifest: object,
  onProgress: (line: string) => void,
): Promise<void> {
  const tempDir = `${finalDir}.tmp-${process.pid}`;
  await rm(tempDir, { recursive: true, force: true });
  await mkdir(tempDir, { recursive: true });
  const started = Date.now();
  onProgress(
    `building the sandbox binaries into ${finalDir} (the first build takes about 10 minutes on 2 cores)`,
  );
  try {
    for (const name of Object.keys(BINARIES) as BinaryName[]) await goBuild(name, tempDir, onProgress);
    const total = Date.now() - started;
    await writeFile(
      join(tempDir, MANIFEST),
      `${JSON.stringify({ ...manifest, buildSeconds: total / 1000 }, null, 2)}\n`,
    );
    await rm(finalDir, { recursive: true, force: true });
    await rename(tempDir, finalDir);
    onProgress(`built all sandbox binaries in ${seconds(total)}`);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/**
 * Returns the sandbox's binaries, building them first when this exact module, Go and flag set has no finished
 * build yet. Concurrent callers (test workers, a CLI run) wait for one build instead of starting their own.
 */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<BinaryPaths> {
  const onProgress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = cacheRoot();
  const modHash = await moduleHash();
  const goEnv = await goEnvironment();
  if (goEnv === undefined) {
    const found = await findBuildOfModule(root, modHash);
    if (found) return pathsIn(found);
    throw new SandboxError(
      "Go is not on the PATH; it is needed once to build the sandbox binaries (see the README)",
    );
  }
  const key = createHash("sha256")
    .update([modHash, goEnv, ...BUILD_FLAGS].join("\n"))
    .digest("hex")
    .slice(0, 16);
  const dir = join(root, `bin-${key}`);
  if (isComplete(dir)) return pathsIn(dir);
  await mkdir(root, { recursive: true });
  await withFileLock(
    `${dir}.lock`,
    async () => {
      if (!isComplete(dir))
        await buildAll(dir, { moduleHash: modHash, go: goEnv, flags: BUILD_FLAGS }, onProgress);
    },
    { onWait: (pid) => onProgress(`waiting for the sandbox build already running in pid ${pid}`) },
  );
  return pathsIn(dir);
}
