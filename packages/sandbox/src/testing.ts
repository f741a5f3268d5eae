/**
 * The test run's shared sandbox. The Vitest global setup (test/setup/sandbox.ts) names it and stops it at the end;
 * the first test that calls {@link useTestSandbox} starts it (pods start at once), later callers — in any worker —
 * attach to it. Test files that never call it never wait for a control plane.
 */
import { join } from "node:path";
import { SandboxError } from "./errors.ts";
import { startSandbox } from "./launcher.ts";
import { withFileLock } from "./lock.ts";
import { stateRoot } from "./paths.ts";
import { findSandbox, type Sandbox } from "./sandboxes.ts";

/** Environment variables the global setup hands to test workers. */
export const TestSandboxEnv = {
  /** Name of the run's sandbox. */
  name: "EMQX_SANDBOX_NAME",
  /** Pid of the test run's main process; the sandbox is swept as an orphan once it is gone. Empty when reusing. */
  ownerPid: "EMQX_SANDBOX_OWNER_PID",
  /** Path of the run's kubeconfig (valid once the sandbox is started). */
  kubeconfig: "EMQX_SANDBOX_KUBECONFIG",
  /** Set by the user to the name of a running sandbox (`sandbox up --name x`) to use instead of a fresh one. */
  reuse: "EMQX_SANDBOX_REUSE",
} as const;

let shared: Promise<Sandbox> | undefined;

async function attachOrStart(env: NodeJS.ProcessEnv): Promise<Sandbox> {
  const name = env[TestSandboxEnv.name];
  if (!name)
    throw new SandboxError(
      `${TestSandboxEnv.name} is not set: run the tests through Vitest, whose global setup (test/setup/sandbox.ts) sets it`,
    );
  if (env[TestSandboxEnv.reuse]) {
    const running = await findSandbox(name);
    if (running) return running;
    throw new SandboxError(
      `${TestSandboxEnv.reuse}=${name} but no sandbox '${name}' is running; start it with 'npx emqx-reconciler sandbox up --name ${name} --pod-start-delay-ms 0'`,
    );
  }
  const owner = Number(env[TestSandboxEnv.ownerPid]);
  return withFileLock(join(stateRoot(), `${name}.start.lock`), async () => {
    const running = await findSandbox(name);
    if (running) return running;
    return startSandbox({ name, podStartDelayMs: 0, ownerPid: owner > 0 ? owner : undefined });
  });
}

/** The sandbox of this test run, started on first use. Call it in `beforeAll`. */
export function useTestSandbox(env: NodeJS.ProcessEnv = process.env): Promise<Sandbox> {
  shared ??= attachOrStart(env).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
