import type * as z from "zod";
import { sharedPool } from "../http/nodePool.ts";
import type { HttpPool } from "../http/types.ts";
import type { BasicCredential } from "../kube/credentials.ts";
import type { EmqxEndpoint } from "./endpoints.ts";
import { podTarget, targetsOf } from "./endpoints.ts";
import { EmqxApiError, EmqxApiErrorKind, kindOfStatus } from "./errors.ts";
import {
  type Availability,
  EmqxErrorBodySchema,
  type EmqxGlobalStatus,
  EmqxGlobalStatusSchema,
  type EmqxNodeInfo,
  EmqxNodeInfoSchema,
  EmqxNodeListSchema,
  type EmqxStats,
  EmqxStatsSchema,
  type EvacuationStart,
  EvacuationStartSchema,
} from "./schemas.ts";
import type { EmqxHttpRequest, EmqxHttpResponse, EmqxTarget, ExchangeLimits } from "./transport.ts";

/** Options of {@link EmqxApiClient}. */
export interface EmqxApiClientOptions {
  endpoint: EmqxEndpoint;
  /** The `emqx-operator-controller` key from `<name>-bootstrap-api-key` (KubeGateway.readBootstrapCredential). */
  credential: BasicCredential;
  /** Deadline of one request to one endpoint, headers and body. @default 10_000 */
  timeoutMs?: number;
  /** Largest body accepted; a larger one is a `bad-response`. @default 4 MiB */
  maxBodyBytes?: number;
  /** Connection pool to use. @default the process-wide pool (shared keep-alive connections) */
  pool?: HttpPool;
}

/** Kinds after which the next candidate endpoint is tried. */
const FAILOVER: ReadonlySet<string> = new Set([EmqxApiErrorKind.Unavailable, EmqxApiErrorKind.Timeout]);

/** Keeps node names readable in paths (`emqx@10.0.0.7`), as the operator sends them, while escaping the rest. */
function nodePath(node: string): string {
  return encodeURIComponent(node).replaceAll("%40", "@");
}

/**
 * Client of the EMQX management API (`/api/v5`) as the reconciler uses it: HTTP Basic with the controller's
 * bootstrap key, a deadline and a size bound on every request, zod-validated answers, and failover across the
 * candidate endpoints on transport errors, timeouts and 5xx. Every failure is an `EmqxApiError` with a `kind`.
 */
export class EmqxApiClient {
  private readonly options: EmqxApiClientOptions;
  private readonly limits: ExchangeLimits;
  private readonly pool: HttpPool;

  constructor(options: EmqxApiClientOptions) {
    this.options = options;
    this.limits = {
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    };
    this.pool = options.pool ?? sharedPool();
  }

  /** `GET /api/v5/nodes`: running nodes and stopped cores. */
  async listNodes(): Promise<EmqxNodeInfo[]> {
    const res = await this.call({ method: "GET", path: "/api/v5/nodes" });
    return this.parse(res, EmqxNodeListSchema, "GET /api/v5/nodes");
  }

  /** `GET /api/v5/nodes/{node}`; a 404 means stopped (as the operator reads it): `{node, node_status: "stopped"}`. */
  async getNode(node: string): Promise<EmqxNodeInfo> {
    const res = await this.call({ method: "GET", path: `/api/v5/nodes/${nodePath(node)}` });
    if (res.status === 404) return { node, node_status: "stopped" };
    return this.parse(res, EmqxNodeInfoSchema, "GET /api/v5/nodes/{node}");
  }

  /** `GET /api/v5/monitor_current`: cluster-wide gauges (connections, `received_msg_rate`, …). */
  async getMonitorCurrent(): Promise<EmqxStats> {
    const res = await this.call({ method: "GET", path: "/api/v5/monitor_current" });
    return this.parse(res, EmqxStatsSchema, "GET /api/v5/monitor_current");
  }

  /** `GET /api/v5/stats?aggregate=true`. */
  async getStats(): Promise<EmqxStats> {
    const res = await this.call({ method: "GET", path: "/api/v5/stats?aggregate=true" });
    return this.parse(res, EmqxStatsSchema, "GET /api/v5/stats");
  }

  /** `GET /api/v5/configs` as HOCON text. The text holds secrets (license, cookie): never log it. */
  async getConfigs(): Promise<string> {
    const res = await this.call({ method: "GET", path: "/api/v5/configs", accept: "text/plain" });
    this.expectOk(res, "GET /api/v5/configs");
    return res.text;
  }

  /** `PUT /api/v5/configs?mode=…&ignore_readonly=true` with HOCON text; EMQX refusing it is a `rejected` error. */
  async putConfigs(hocon: string, mode: "merge" | "replace"): Promise<void> {
    const res = await this.call({
      method: "PUT",
      path: `/api/v5/configs?mode=${mode}&ignore_readonly=true`,
      body: hocon,
      contentType: "text/plain",
    });
    this.expectOk(res, "PUT /api/v5/configs");
  }

  /** `GET /api/v5/load_rebalance/global_status`: running evacuations and rebalances. */
  async globalStatus(): Promise<EmqxGlobalStatus> {
    const res = await this.call({ method: "GET", path: "/api/v5/load_rebalance/global_status" });
    return this.parse(res, EmqxGlobalStatusSchema, "GET /api/v5/load_rebalance/global_status");
  }

  /**
   * `GET /api/v5/load_rebalance/availability_check` on the pod itself (no auth, no failover): `ok` on 200,
   * `unavailable` on any other status, `unknown` when the pod did not answer.
   */
  async availabilityCheck(podIP: string, podName?: string): Promise<Availability> {
    const target = podTarget(this.options.endpoint, { ip: podIP, name: podName }, this.pool);
    const path = "/api/v5/load_rebalance/availability_check";
    try {
      const res = await target.send(
        { method: "GET", path, headers: { accept: "application/json" } },
        this.limits,
      );
      return res.status === 200 ? "ok" : "unavailable";
    } catch (err) {
      if (err instanceof EmqxApiError && err.kind === EmqxApiErrorKind.BadResponse) return "unavailable";
      return "unknown";
    }
  }

  /** Starts evacuating `node`; an evacuation already running counts as started. */
  async startEvacuation(node: string, body: EvacuationStart): Promise<"started" | "already-started"> {
    const json = JSON.stringify(EvacuationStartSchema.parse(body));
    const path = `/api/v5/load_rebalance/${nodePath(node)}/evacuation/start`;
    const res = await this.call({ method: "POST", path, body: json, contentType: "application/json" });
    if (res.status === 400 && res.text.includes("already_started")) return "already-started";
    this.expectOk(res, "POST /load_rebalance/{node}/evacuation/start");
    return "started";
  }

  /**
   * `DELETE /api/v5/cluster/{node}/force_leave`: removes a member from the cluster (a stopped core whose pod is
   * gone is forgotten at once). 204 is success; a 400 `node_not_found` means it is no longer a member: `absent`.
   */
  async forceLeave(node: string): Promise<"left" | "absent"> {
    const path = `/api/v5/cluster/${nodePath(node)}/force_leave`;
    const res = await this.call({ method: "DELETE", path });
    if (res.status === 400 && res.text.includes("node_not_found")) return "absent";
    this.expectOk(res, "DELETE /api/v5/cluster/{node}/force_leave");
    return "left";
  }

  /**
   * `POST /api/v5/load_rebalance/{node}/start`: a connection rebalance coordinated by `node` over `body.nodes`.
   * A 400 (`nothing_to_balance`, `already_started`, bad nodes) is returned as `{ refused: message }`.
   */
  async startRebalance(
    node: string,
    body: Record<string, unknown>,
  ): Promise<"started" | { refused: string }> {
    const path = `/api/v5/load_rebalance/${nodePath(node)}/start`;
    const res = await this.call({
      method: "POST",
      path,
      body: JSON.stringify(body),
      contentType: "application/json",
    });
    if (res.status === 400) return { refused: this.errorMessage(res.text) };
    this.expectOk(res, "POST /load_rebalance/{node}/start");
    return "started";
  }

  /** `POST /api/v5/load_rebalance/{node}/stop`; a rebalance that was not running counts as stopped. */
  async stopRebalance(node: string): Promise<"stopped" | "not-started"> {
    const path = `/api/v5/load_rebalance/${nodePath(node)}/stop`;
    const res = await this.call({ method: "POST", path, body: "{}", contentType: "application/json" });
    if (res.status === 400 && res.text.includes("not_started")) return "not-started";
    this.expectOk(res, "POST /load_rebalance/{node}/stop");
    return "stopped";
  }

  private errorMessage(text: string): string {
    try {
      const body = JSON.parse(text) as { message?: unknown };
      return typeof body.message === "string" ? body.message : text.slice(0, 300);
    } catch {
      return text.slice(0, 300);
    }
  }

  /** Stops evacuating `node`; a node that was not evacuating counts as stopped. */
  async stopEvacuation(node: string): Promise<"stopped" | "not-started"> {
    const path = `/api/v5/load_rebalance/${nodePath(node)}/evacuation/stop`;
    const res = await this.call({ method: "POST", path, body: "{}", contentType: "application/json" });
    if (res.status === 400 && res.text.includes("not_started")) return "not-started";
    this.expectOk(res, "POST /load_rebalance/{node}/evacuation/stop");
    return "stopped";
  }

  /**
   * Sends an authenticated request, trying each candidate endpoint in turn while they fail with a transport
   * error, a timeout or a 5xx. 401/403 end the call at once (every node shares the key). Other statuses are
   * returned for the method to interpret.
   */
  private async call(input: {
    method: EmqxHttpRequest["method"];
    path: string;
    body?: string;
    contentType?: string;
    accept?: string;
  }): Promise<EmqxHttpResponse> {
    const where = `${input.method} ${input.path.split("?")[0]}`;
    if (this.options.endpoint.mode === "apiserver-proxy") {
      throw new EmqxApiError(
        EmqxApiErrorKind.Unauthorized,
        `${where}: apiserver-proxy mode cannot authenticate to EMQX (kube-apiserver strips the Authorization header, kubernetes/kubernetes#38775); use pod-ip, service or url`,
      );
    }
    const { username, password } = this.options.credential;
    const headers: Record<string, string> = {
      accept: input.accept ?? "application/json",
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
    };
    if (input.contentType) headers["content-type"] = input.contentType;
    const req: EmqxHttpRequest = { method: input.method, path: input.path, headers, body: input.body };
    const targets = targetsOf(this.options.endpoint, this.pool);
    if (targets.length === 0)
      throw new EmqxApiError(EmqxApiErrorKind.Unavailable, `${where}: no ready endpoint`);
    const failures: EmqxApiError[] = [];
    for (const target of targets) {
      try {
        return await this.sendOnce(target, req, where);
      } catch (err) {
        if (!(err instanceof EmqxApiError) || !FAILOVER.has(err.kind)) throw err;
        failures.push(err);
      }
    }
    return this.allFailed(where, failures);
  }

  private async sendOnce(target: EmqxTarget, req: EmqxHttpRequest, where: string): Promise<EmqxHttpResponse> {
    const res = await target.send(req, this.limits);
    if (res.status === 401 || res.status === 403 || res.status >= 500) {
      throw this.statusError(res, `${where} at ${target.label}`);
    }
    return res;
  }

  private allFailed(where: string, failures: EmqxApiError[]): never {
    const last = failures.at(-1);
    if (failures.length === 1 && last) throw last;
    const kind = failures.every((f) => f.kind === EmqxApiErrorKind.Timeout)
      ? EmqxApiErrorKind.Timeout
      : EmqxApiErrorKind.Unavailable;
    const detail = failures.map((f) => f.message).join("; ");
    throw new EmqxApiError(
      kind,
      `${where}: all ${failures.length} endpoints failed: ${detail}`,
      {},
      { cause: last },
    );
  }

  private expectOk(res: EmqxHttpResponse, where: string): void {
    if (res.status < 200 || res.status >= 300) throw this.statusError(res, where);
  }

  private statusError(res: EmqxHttpResponse, where: string): EmqxApiError {
    let code: string | undefined;
    let message = "";
    try {
      const body = EmqxErrorBodySchema.parse(JSON.parse(res.text));
      code = body.code;
      message = (body.message ?? "").slice(0, 200);
    } catch {
      message = "";
    }
    const text = `${where}: ${res.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
    return new EmqxApiError(kindOfStatus(res.status), text, { status: res.status, code });
  }

  private parse<S extends z.ZodType>(res: EmqxHttpResponse, schema: S, where: string): z.output<S> {
    this.expectOk(res, where);
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch (err) {
      throw new EmqxApiError(EmqxApiErrorKind.BadResponse, `${where}: body is not JSON`, {}, { cause: err });
    }
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const at = issue?.path.length ? issue.path.join(".") : "(root)";
    throw new EmqxApiError(
      EmqxApiErrorKind.BadResponse,
      `${where}: unexpected body at ${at}: ${issue?.message}`,
    );
  }
}
