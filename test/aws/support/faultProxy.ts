/**
 * A loopback proxy in front of moto that makes PutEvents fail partly, the way EventBridge does under throttling:
 * the chosen entries of a request never reach the bus and come back as `ThrottlingException` at their positions,
 * the rest go through. moto itself only fails entries for malformed input, so this is how the wire tests see a
 * retryable partial failure.
 */

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";

/** Decides, per PutEvents call (0-based), which entry indexes to fail. */
export type FailurePlan = (call: number, entries: number) => number[];

export interface FaultProxy {
  endpoint: string;
  /** PutEvents calls seen, with how many entries each carried. */
  calls: number[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts the proxy on 127.0.0.1 forwarding to `target` (moto's endpoint). */
export async function startFaultProxy(target: string, plan: FailurePlan): Promise<FaultProxy> {
  const calls: number[] = [];
  const server: Server = createServer(async (req, res) => {
    const text = await body(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length"),
    ) as Record<string, string>;
    const isPut = req.headers["x-amz-target"] === "AWSEvents.PutEvents";
    let failing: number[] = [];
    let forwarded = text;
    if (isPut) {
      const request = JSON.parse(text) as { Entries: unknown[] };
      failing = plan(calls.length, request.Entries.length);
      calls.push(request.Entries.length);
      forwarded = JSON.stringify({
        ...request,
        Entries: request.Entries.filter((_, i) => !failing.includes(i)),
      });
    }
    const upstream =
      isPut && failing.length === calls.at(-1)
        ? undefined
        : await fetch(target + (req.url ?? "/"), {
            method: req.method,
            headers,
            body: req.method === "GET" ? undefined : forwarded,
          });
    let out = upstream ? await upstream.text() : JSON.stringify({ FailedEntryCount: 0, Entries: [] });
    if (isPut && failing.length > 0) {
      const answer = JSON.parse(out) as { FailedEntryCount: number; Entries: unknown[] };
      const passed = [...answer.Entries];
      const total = passed.length + failing.length;
      const entries = Array.from({ length: total }, (_, i) =>
        failing.includes(i)
          ? { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }
          : passed.shift(),
      );
      out = JSON.stringify({ FailedEntryCount: answer.FailedEntryCount + failing.length, Entries: entries });
    }
    res.writeHead(upstream?.status ?? 200, {
      "content-type": upstream?.headers.get("content-type") ?? "application/x-amz-json-1.1",
    });
    res.end(out);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("No address");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
