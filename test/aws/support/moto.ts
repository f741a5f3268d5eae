/**
 * A moto server on loopback for the AWS wire tests: installed by `test/aws/install-moto.sh` (pinned, in a venv
 * outside the repo) and started per test file on a free port. AWS SDK clients point at it through
 * {@link MotoServer.clientConfig}; every account, region and credential is moto's fake one.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const installScript = join(import.meta.dirname, "..", "install-moto.sh");

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Config for any AWS SDK v3 client: endpoint, region and dummy credentials. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Forgets every resource (moto's reset API), so tests in one file start clean. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** moto's fixed account id. */
export const MOTO_ACCOUNT = "123456789012";
export const MOTO_REGION = "eu-west-1";

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("No port");
  return address.port;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    const ok = await fetch(`${endpoint}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${deadlineMs} ms`);
}

/** Installs moto if needed (first run: about a minute) and starts it on 127.0.0.1. */
export async function startMoto(): Promise<MotoServer> {
  const { stdout } = await promisify(execFile)("bash", [installScript], { timeout: 600_000 });
  const binary = stdout.trim();
  const port = await freePort();
  const child = spawn(binary, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    clientConfig: {
      endpoint,
      region: MOTO_REGION,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const exited = once(child, "exit");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
