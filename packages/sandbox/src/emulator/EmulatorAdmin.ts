/**
 * A small client of the emulator's admin API for tests, benchmarks and the CLI.
 *
 * @example
 * const admin = await EmulatorAdmin.fromStateDir(stateDir);
 * await admin.setFault({ namespace: "default", name: "emqx" }, "hang");
 * await admin.clearFaults();
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClusterDump } from "./adminServer.ts";
import { EmulatorError } from "./errors.ts";
import type { ActiveFault, FaultKind, FaultTarget } from "./faults.ts";
import type { RequestSummary } from "./requestLog.ts";

/** Contents of `<state-dir>/emulator.json`. */
export interface EmulatorStateFile {
  readonly adminUrl: string;
  readonly pid: number;
}

/** Name of the file the emulator writes in its state dir once listening. */
export const EMULATOR_STATE_FILE = "emulator.json";

/** Typed calls to the admin API. */
export class EmulatorAdmin {
  readonly adminUrl: string;

  constructor(adminUrl: string) {
    this.adminUrl = adminUrl.replace(/\/$/, "");
  }

  /** Connects to the emulator whose state dir is given. */
  static async fromStateDir(stateDir: string): Promise<EmulatorAdmin> {
    const file = join(stateDir, EMULATOR_STATE_FILE);
    try {
      const state = JSON.parse(await readFile(file, "utf8")) as EmulatorStateFile;
      return new EmulatorAdmin(state.adminUrl);
    } catch (e) {
      throw new EmulatorError(`Cannot read the emulator state file ${file}`, { cause: e });
    }
  }

  /** Sets a fault switch on a cluster (`{namespace, name}`) or a pod (`{pod: "ns/pod"}`); `none` clears it. */
  async setFault(target: FaultTarget, fault: FaultKind, delayMs?: number): Promise<ActiveFault[]> {
    const body = delayMs === undefined ? { target, fault } : { target, fault, delayMs };
    return (await this.#call<{ faults: ActiveFault[] }>("PUT", "/faults", body)).faults;
  }

  /** Clears every fault switch (hung requests are then answered). */
  async clearFaults(): Promise<void> {
    await this.#call("DELETE", "/faults");
  }

  /** Active fault switches. */
  async faults(): Promise<ActiveFault[]> {
    return (await this.#call<{ faults: ActiveFault[] }>("GET", "/faults")).faults;
  }

  /** Request counts per path and the recent request log. */
  requests(): Promise<RequestSummary> {
    return this.#call<RequestSummary>("GET", "/requests");
  }

  /** Resets the request counters. */
  async resetRequests(): Promise<void> {
    await this.#call("DELETE", "/requests");
  }

  /** The state of every emulated cluster (no secrets). */
  async clusters(): Promise<ClusterDump[]> {
    return (await this.#call<{ clusters: ClusterDump[] }>("GET", "/clusters")).clusters;
  }

  /** Sets how many sessions a pod's node holds (the sandbox has no MQTT clients), e.g. before an evacuation. */
  async setConnections(pod: string, connections: number): Promise<void> {
    await this.#call("PUT", "/connections", { pod, connections });
  }

  /**
   * Drives a cluster's total connections over time: from `afterMs` after this call it holds `connections`
   * clients, spread over its serving nodes (see the emulator's doc). No steps clears the curve.
   */
  async setLoadCurve(
    cluster: { namespace: string; name: string },
    steps: readonly { afterMs: number; connections: number; messagesPerSecond?: number }[],
  ): Promise<void> {
    await this.#call("PUT", "/load", { ...cluster, steps });
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.adminUrl}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new EmulatorError(`Emulator admin API at ${this.adminUrl} is unreachable`, { cause: e });
    }
    const parsed = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok)
      throw new EmulatorError(
        `Emulator admin ${method} ${path} failed (${res.status}): ${parsed.error ?? "no detail"}`,
      );
    return parsed as T;
  }
}
