/**
 * The bundled CLI (`packages/cli/dist/`, plain JavaScript from `npm run bundle -w emqx-reconciler`) behaves like
 * the TypeScript sources: the same CRD out of `crd`, and `run` with the bundle's Node flags drives the seed
 * example to Ready on the sandbox and stops cleanly on SIGTERM.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli, RUN_NODE_FLAGS } from "../../packages/cli/scripts/bundle.ts";
import { type RunProcess, startRunProcess } from "./support/cliProcess.ts";
import { SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { applySeed, closeTestbed, freshNamespace, openTestbed, type Testbed } from "./support/testbed.ts";

const run = promisify(execFile);
const SOURCE_MAIN = join(import.meta.dirname, "..", "..", "packages", "cli", "src", "main.ts");

let testbed: Testbed;
let ns: string;
let bundled: string;
let reconciler: RunProcess | undefined;

beforeAll(async () => {
  bundled = await bundleCli();
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-bundle");
}, 120_000);

afterAll(async () => {
  if (reconciler && reconciler.proc.exitCode === null && reconciler.proc.signalCode === null)
    reconciler.proc.kill("SIGKILL");
  await closeTestbed(testbed, ns);
});

describe("the bundled CLI", () => {
  it("prints the same CRD as the sources", { timeout: 60_000 }, async () => {
    const fromBundle = await run(process.execPath, [...RUN_NODE_FLAGS, bundled, "crd"]);
    const fromSources = await run(process.execPath, [SOURCE_MAIN, "crd"]);
    expect(fromBundle.stdout).toContain("name: emqxes.apps.emqx.io");
    expect(fromBundle.stdout).toBe(fromSources.stdout);
  });

  it("runs the seed example to Ready and stops on SIGTERM", { timeout: 180_000 }, async () => {
    reconciler = startRunProcess(testbed, ns, "bundle", ["--no-lease"], {
      main: bundled,
      nodeFlags: RUN_NODE_FLAGS,
    });
    await reconciler.waitForLine(
      "the forwarder's first lists",
      (l) => l.msg?.startsWith("Listed every EMQX") ?? false,
    );
    await applySeed(testbed, ns);
    const ready = await waitForShape(testbed, ns, SEED_SHAPE);
    expect(ready.printed).toBe("Ready");
    expect(ready.cr?.status?.coreNodes?.length).toBe(SEED_SHAPE.cores);
    reconciler.proc.kill("SIGTERM");
    expect(await reconciler.exited).toBe(0);
    expect(reconciler.stderr()).toContain("reconciler stopped");
  });
});
