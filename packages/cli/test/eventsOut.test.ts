import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventSource, LIFECYCLE_DETAIL_TYPE, type LifecycleEvent } from "@emqx-reconciler/api";
import { createEmbeddedBus, lifecycleEntry } from "@emqx-reconciler/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeEventsOut } from "../src/eventsOut.ts";

const decided: LifecycleEvent = {
  kind: "ScaleDecided",
  cluster: "local",
  namespace: "mq",
  name: "emqx",
  counts: { core: { ready: 2, desired: 2 }, replicant: { ready: 2, desired: 2 } },
  role: "replicant",
  from: 2,
  to: 4,
  reason: "4500 live connections over 2s need at least 5 replicants at 1000 each",
  time: "2026-06-01T00:00:00.000Z",
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "events-out-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("run --events-to", () => {
  it("appends each lifecycle event to a file as its EventBridge envelope, one JSON line each", async () => {
    const bus = createEmbeddedBus();
    const file = join(dir, "events.jsonl");
    routeEventsOut(bus, file);
    await bus.putEvents([lifecycleEntry(decided), lifecycleEntry({ ...decided, from: 4, to: 5 })]);
    await bus.putEvents([{ Source: EventSource.Forwarder, DetailType: "ReconcileHint", Detail: "{}" }]);
    await bus.idle();
    const lines = (await readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => [l.source, l["detail-type"], l.detail.from, l.detail.to]).sort()).toEqual([
      [EventSource.Status, LIFECYCLE_DETAIL_TYPE, 2, 4],
      [EventSource.Status, LIFECYCLE_DETAIL_TYPE, 4, 5],
    ]);
    await bus.close();
  });

  it("POSTs each event to a URL and delivers again after a 5xx", async () => {
    const received: Array<{ type: string | undefined; body: { detail: LifecycleEvent } }> = [];
    let failFirst = true;
    const server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (failFirst) {
        failFirst = false;
        res.writeHead(503).end();
        return;
      }
      received.push({
        type: req.headers["content-type"],
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const bus = createEmbeddedBus({ retryBaseDelayMs: 10 });
    routeEventsOut(bus, `http://127.0.0.1:${port}/hooks/emqx`);
    await bus.putEvents([lifecycleEntry(decided)]);
    await bus.idle();
    await bus.close();
    server.close();
    expect(received).toEqual([
      { type: "application/json", body: expect.objectContaining({ detail: decided }) },
    ]);
  });
});
