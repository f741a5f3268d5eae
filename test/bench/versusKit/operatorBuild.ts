/**
 * The EMQX Operator the `versus` benchmark runs beside us, built from a git directory of its public repository
 * (`$EMQX_OPERATOR_SRC`) at one pinned commit, and cached like the sandbox binaries. Its code is read from that
 * git directory into the cache folder only; nothing of it enters this repository.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The operator's 2.2 line, as measured for the README's comparison. */
export const OPERATOR_COMMIT = "2ca6a10d73e14bdaada8ee95603ddeddf114302d";

/** A built operator: its binary and the CRD files of its source tree. */
export interface OperatorBuild {
  manager: string;
  /** `config/crd/bases/*.yaml`, except the EMQX CRD itself (ours serves `emqxes.apps.emqx.io`). */
  crdFiles: string[];
}

/** Why the operator cannot be built here, or `undefined` when it can. */
export async function operatorUnavailable(): Promise<string | undefined> {
  const source = process.env.EMQX_OPERATOR_SRC;
  if (!source) return "EMQX_OPERATOR_SRC is not set (a git directory of github.com/emqx/emqx-operator)";
  try {
    await run("go", ["version"]);
  } catch {
    return "Go is not installed";
  }
  try {
    await run("git", ["--git-dir", gitDir(source), "cat-file", "-e", `${OPERATOR_COMMIT}^{commit}`]);
  } catch {
    return `${source} does not hold commit ${OPERATOR_COMMIT}`;
  }
  return undefined;
}

/** A bare repository as is; a work tree's `.git` inside it. */
function gitDir(source: string): string {
  return existsSync(join(source, ".git")) ? join(source, ".git") : source;
}

/**
 * Builds `bin/manager` once into `~/.cache/emqx-reconciler/operator-<commit>/` (`go build -o bin/manager .`;
 * the Go module proxy serves its dependencies) and reuses it afterwards.
 */
export async function buildOperator(log: (line: string) => void): Promise<OperatorBuild> {
  const dir = join(homedir(), ".cache", "emqx-reconciler", `operator-${OPERATOR_COMMIT}`);
  const src = join(dir, "src");
  const manager = join(src, "bin", "manager");
  if (!existsSync(manager)) {
    log(`building emqx-operator ${OPERATOR_COMMIT.slice(0, 12)} into ${dir} (1–2 min, once)`);
    await rm(src, { recursive: true, force: true });
    await mkdir(src, { recursive: true });
    const source = gitDir(process.env.EMQX_OPERATOR_SRC ?? "");
    await run("bash", [
      "-c",
      `git --git-dir "$0" archive "$1" | tar -x -C "$2"`,
      source,
      OPERATOR_COMMIT,
      src,
    ]);
    await run("go", ["build", "-o", "bin/manager", "."], { cwd: src, maxBuffer: 64 * 1024 * 1024 });
  }
  const bases = join(src, "config", "crd", "bases");
  const crdFiles = (await readdir(bases))
    .filter((f) => f.endsWith(".yaml") && f !== "apps.emqx.io_emqxes.yaml")
    .map((f) => join(bases, f));
  return { manager, crdFiles };
}
