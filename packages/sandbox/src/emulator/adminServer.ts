/**
 * The emulator's admin HTTP API on 127.0.0.1, for tests, benchmarks and the `sandbox fault` CLI verb:
 * `GET|PUT|DELETE /faults`, `GET|DELETE /requests`, `GET /clusters`, `PUT /connections`, `PUT /load`,
 * `GET /healthz`.
 * Bodies are JSON; bad input gets 400 `{ "error": "<field>: <rule>" }`. Secrets are never returned.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import * as z from "zod";
import type { EmulatedCluster, EmulatedEmqx } from "./cluster.ts";
import { renderConfigText } from "./clusterConfig.ts";
import { computeEvacuationProgress } from "./evacuation.ts";
import { type FaultRegistry, FaultRequestSchema } from "./faults.ts";
import { setLoadCurve } from "./loadCurve.ts";
import type { RequestLog } from "./requestLog.ts";

/** Body of `PUT /connections`: sessions held on one pod's node. */
export const ConnectionsRequestSchema = z
  .object({
    pod: z.string().regex(/^[a-z0-9-.]+\/[a-z0-9-.]+$/, "must be 'namespace/pod'"),
    connections: z.number().int().min(0),
  })
  .strict();

/** Body of `PUT /load`: the load curve of one cluster (no steps clears it). */
export const LoadCurveRequestSchema = z
  .object({
    namespace: z.string().min(1),
    name: z.string().min(1),
    steps: z.array(
      z
        .object({
          afterMs: z.number().int().min(0),
          connections: z.number().int().min(0),
          messagesPerSecond: z.number().int().min(0).optional(),
        })
        .strict(),
    ),
  })
  .strict();

/** One node in the `GET /clusters` dump. */
export interface NodeDump {
  readonly name: string;
  readonly role: string;
  readonly status: "running" | "stopped";
  readonly pod?: string;
  readonly address?: string;
  readonly version?: string;
  readonly connections: number;
  readonly departed: boolean;
  readonly evacuation?: string;
}

/** One cluster in the `GET /clusters` dump. */
export interface ClusterDump {
  readonly key: string;
  readonly nodes: NodeDump[];
  /** Names of loaded API keys (never the secrets). */
  readonly apiKeys: string[];
  readonly config: string;
}

/** What the admin server reads and changes. */
export interface AdminDeps {
  readonly emqx: EmulatedEmqx;
  readonly faults: FaultRegistry;
  readonly requests: RequestLog;
  readonly clock: () => number;
}

/** Starts the admin server; resolves with it once listening (port 0 picks a free port). */
export async function startAdminServer(deps: AdminDeps, port = 0, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((req, res) => {
    void route(deps, req, res).catch((e: unknown) => send(res, 500, { error: (e as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, resolve);
  });
  return server;
}

async function route(deps: AdminDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://admin").pathname;
  const key = `${req.method} ${path}`;
  if (key === "GET /healthz") return send(res, 200, { ok: true });
  if (key === "GET /faults") return send(res, 200, { faults: deps.faults.list() });
  if (key === "DELETE /faults") {
    deps.faults.clear();
    return send(res, 200, { faults: [] });
  }
  if (key === "PUT /faults") {
    const parsed = FaultRequestSchema.safeParse(await readJson(req));
    if (!parsed.success) return send(res, 400, { error: describeIssues(parsed.error) });
    deps.faults.set(parsed.data);
    return send(res, 200, { faults: deps.faults.list() });
  }
  if (key === "GET /requests") return send(res, 200, deps.requests.summary());
  if (key === "DELETE /requests") {
    deps.requests.reset();
    return send(res, 200, deps.requests.summary());
  }
  if (key === "GET /clusters")
    return send(res, 200, {
      clusters: [...deps.emqx.clusters.values()].map((c) => dumpCluster(c, deps.clock())),
    });
  if (key === "PUT /connections") {
    const parsed = ConnectionsRequestSchema.safeParse(await readJson(req));
    if (!parsed.success) return send(res, 400, { error: describeIssues(parsed.error) });
    const ok = deps.emqx.setConnections(parsed.data.pod, parsed.data.connections);
    return ok
      ? send(res, 200, { ok: true })
      : send(res, 404, { error: `pod: ${parsed.data.pod} is not a running EMQX node` });
  }
  if (key === "PUT /load") {
    const parsed = LoadCurveRequestSchema.safeParse(await readJson(req));
    if (!parsed.success) return send(res, 400, { error: describeIssues(parsed.error) });
    const { namespace, name, steps } = parsed.data;
    setLoadCurve(deps.emqx, `${namespace}/${name}`, steps, deps.clock());
    return send(res, 200, { ok: true });
  }
  return send(res, 404, { error: `no admin endpoint ${key}` });
}

function dumpCluster(cluster: EmulatedCluster, now: number): ClusterDump {
  const nodes = [...cluster.nodes.values()].map((n): NodeDump => {
    const ev = cluster.evacuations.get(n.name);
    return {
      name: n.name,
      role: n.role,
      status: n.facts ? "running" : "stopped",
      ...(n.facts
        ? {
            pod: n.facts.podKey,
            address: `${n.facts.ip}:${n.facts.port}`,
            version: n.facts.versionInfo.version,
          }
        : {}),
      connections: n.connections,
      departed: cluster.departed.has(n.name),
      ...(ev ? { evacuation: computeEvacuationProgress(ev, now).state } : {}),
    };
  });
  return {
    key: cluster.key,
    nodes,
    apiKeys: [...cluster.apiKeys.keys()],
    config: renderConfigText(cluster.config),
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}
