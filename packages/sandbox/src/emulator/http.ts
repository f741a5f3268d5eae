/**
 * Serves one pod's listener: reads the request, applies the pod's fault switch around the API handler, writes
 * the reply and records it. Faults: `hang` waits until the switch changes (or the client leaves), `slow`
 * delays, `server-error` answers 500, `unauthorized` refuses every authenticated endpoint, `garbage` sends a 200
 * that is not JSON, `truncated` sends half the body with an honest Content-Length.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { handleApiRequest } from "./api.ts";
import type { EmulatedEmqx } from "./cluster.ts";
import { FaultKind, type FaultRegistry } from "./faults.ts";
import { applyLoadCurve } from "./loadCurve.ts";
import { type ApiContext, errorReply, type Reply } from "./replies.ts";
import type { RequestLog } from "./requestLog.ts";

/** What a pod listener needs. */
export interface ServeDeps {
  readonly emqx: EmulatedEmqx;
  readonly faults: FaultRegistry;
  readonly requests: RequestLog;
  readonly clock: () => number;
  readonly randomToken: () => string;
}

const MAX_BODY = 4 * 1024 * 1024;
/** Body of the `garbage` fault: what a proxy error page might look like. */
export const GARBAGE_BODY = "<html><body>502 Bad Gateway \u0000\u00ff</body></html>";

/** Returns the request listener of the pod `podKey`. */
export function createPodRequestListener(podKey: string, deps: ServeDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void servePodRequest(podKey, deps, req, res).catch(() => res.destroy());
  };
}

async function servePodRequest(
  podKey: string,
  deps: ServeDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const arrived = deps.clock();
  const body = await readBody(req);
  const url = new URL(req.url ?? "/", "http://emulator");
  const aborter = new AbortController();
  res.on("close", () => aborter.abort());
  const located = deps.emqx.findPod(podKey);
  if (!located) return void res.destroy();
  const clusterKey = located.cluster.key;
  await deps.faults.waitWhileHung(podKey, clusterKey, aborter.signal);
  let fault = deps.faults.find(podKey, clusterKey);
  if (fault?.fault === FaultKind.Slow) {
    await sleep(fault.delayMs, undefined, { signal: aborter.signal }).catch(() => undefined);
    fault = deps.faults.find(podKey, clusterKey);
  }
  const record = (status: number) =>
    deps.requests.record({
      at: arrived,
      pod: podKey,
      method: req.method ?? "",
      path: url.pathname,
      status,
      ...(fault ? { fault: fault.fault } : {}),
    });
  if (aborter.signal.aborted) return record(0);
  const current = deps.emqx.findPod(podKey);
  if (!current) return void res.destroy();
  let reply: Reply;
  if (fault?.fault === FaultKind.ServerError) {
    reply = errorReply(500, "INTERNAL_ERROR", "error, emulated_fault, []");
  } else {
    applyLoadCurve(deps.emqx, current.cluster, deps.clock());
    const ctx: ApiContext = {
      emqx: deps.emqx,
      cluster: current.cluster,
      self: current.node,
      now: deps.clock(),
      randomToken: deps.randomToken,
      isStopped: (n) =>
        !n.facts || deps.faults.find(n.facts.podKey, current.cluster.key)?.fault === FaultKind.NodeStopped,
    };
    const request = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    reply = handleApiRequest(ctx, request, { forceUnauthorized: fault?.fault === FaultKind.Unauthorized });
  }
  writeReply(res, reply, fault?.fault);
  record(fault?.fault === FaultKind.Garbage ? 200 : reply.status);
}

function writeReply(res: ServerResponse, reply: Reply, fault: string | undefined): void {
  const headers: Record<string, string> = { ...reply.headers };
  let text = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
  if (reply.json !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  let status = reply.status;
  if (fault === FaultKind.Garbage) {
    status = 200;
    text = GARBAGE_BODY;
    headers["content-type"] = "application/json";
  } else if (fault === FaultKind.Truncated) {
    text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  }
  const buffer = Buffer.from(text, "utf8");
  res.writeHead(status, { ...headers, "content-length": String(buffer.length) });
  res.end(buffer);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
