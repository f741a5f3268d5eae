/**
 * Entry point the sandbox launcher spawns:
 *   node packages/sandbox/src/emulator/main.ts --kubeconfig <path> --state-dir <dir> [--admin-port N]
 * Writes `<state-dir>/emulator.json` (`{adminUrl, pid}`) once serving, logs JSON lines to stdout, and exits
 * cleanly on SIGTERM/SIGINT.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { Emulator, logJson } from "./Emulator.ts";
import { EMULATOR_STATE_FILE } from "./EmulatorAdmin.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: "string" },
      "state-dir": { type: "string" },
      "admin-port": { type: "string" },
    },
  });
  if (!values.kubeconfig || !values["state-dir"]) {
    throw new Error("usage: main.ts --kubeconfig <path> --state-dir <dir> [--admin-port N]");
  }
  const adminPort = Number(values["admin-port"] ?? 0);
  if (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)
    throw new Error("--admin-port must be a port number");
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(values.kubeconfig);
  const emulator = await Emulator.start({ kubeConfig, adminPort });
  const stateFile = join(values["state-dir"], EMULATOR_STATE_FILE);
  await writeFile(stateFile, `${JSON.stringify({ adminUrl: emulator.adminUrl, pid: process.pid })}\n`);
  logJson("Emulator ready", { adminUrl: emulator.adminUrl, pid: process.pid });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logJson("Stopping emulator", { signal });
    void emulator
      .stop()
      .then(() => rm(stateFile, { force: true }))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((e: unknown) => {
  logJson("Emulator failed", { error: (e as Error).message });
  process.exit(1);
});
