/**
 * Vitest global setup: makes sure the sandbox binaries are built (instant when cached; on a fresh machine the
 * ~10 minute build runs here, with progress, instead of inside a test hook), names this run's sandbox and stops
 * it when the run ends. The sandbox itself starts on first use (`useTestSandbox()` from
 * `@emqx-reconciler/sandbox`), so runs without sandbox tests never wait for a control plane.
 * Set EMQX_SANDBOX_REUSE=<name> to use a sandbox started with
 * `npx emqx-reconciler sandbox up --name <name> --pod-start-delay-ms 0` instead (it is left running).
 * The run's logs stay in its sandbox folder until the next run that starts a sandbox.
 */
import { join } from "node:path";
import { ensureBinaries, stopSandbox, TestSandboxEnv } from "@emqx-reconciler/sandbox";
import { sandboxDir } from "@emqx-reconciler/sandbox/paths";

export default async function setup(): Promise<() => Promise<void>> {
  const reuse = process.env[TestSandboxEnv.reuse];
  const name = reuse || `test-${process.pid}`;
  process.env[TestSandboxEnv.name] = name;
  process.env[TestSandboxEnv.ownerPid] = reuse ? "" : String(process.pid);
  process.env[TestSandboxEnv.kubeconfig] = join(sandboxDir(name), "kubeconfig");
  if (!reuse) {
    // A missing toolchain fails only the tests that need a sandbox, not the whole run.
    await ensureBinaries().catch((error: unknown) => {
      process.stderr.write(`sandbox binaries unavailable: ${(error as Error).message}\n`);
    });
  }
  return async () => {
    if (!reuse) await stopSandbox(name);
  };
}
