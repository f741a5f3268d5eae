/**
 * Vitest global setup: names this run's sandbox and stops it when the run ends. The sandbox itself starts on
 * first use (`useTestSandbox()` from `@emqx-reconciler/sandbox`), so runs without sandbox tests never wait for
 * a control plane, let alone a first build. Set EMQX_SANDBOX_REUSE=<name> to use a sandbox started with
 * `npx emqx-reconciler sandbox up --name <name> --pod-start-delay-ms 0` instead (it is left running).
 * The run's logs stay in its sandbox folder until the next run that starts a sandbox.
 */
import { join } from "node:path";
import { stopSandbox, TestSandboxEnv } from "@emqx-reconciler/sandbox";
import { sandboxDir } from "@emqx-reconciler/sandbox/paths";

export default function setup(): () => Promise<void> {
  const reuse = process.env[TestSandboxEnv.reuse];
  const name = reuse || `test-${process.pid}`;
  process.env[TestSandboxEnv.name] = name;
  process.env[TestSandboxEnv.ownerPid] = reuse ? "" : String(process.pid);
  process.env[TestSandboxEnv.kubeconfig] = join(sandboxDir(name), "kubeconfig");
  return async () => {
    if (!reuse) await stopSandbox(name);
  };
}
