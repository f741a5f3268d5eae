import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodePool } from "../../src/index.ts";

/** A loopback server that answers by path and records which connection each request came on. */
let server: Server;
let base: string;
const connections: Socket[] = [];
const requestSockets: Socket[] = [];
const streams: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requestSockets.push(req.socket);
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"type":"BOOKMARK"}\n');
      streams.push(res);
      return;
    }
    if (req.url === "/echo") {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => res.end(`${req.method} ${body}`));
      return;
    }
    res.writeHead(req.url === "/busy" ? 503 : 200, { "retry-after": "7" });
    res.end("ok");
  });
  server.on("connection", (s) => connections.push(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of connections) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("createNodePool", () => {
  it("sends method, headers and body, hands back status and headers, and reuses one keep-alive connection", async () => {
    const pool = createNodePool({ keepAliveTimeoutMs: 10_000 });
    const before = connections.length;
    const echo = await pool.request(`${base}/echo`, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "héllo",
    });
    expect([echo.statusCode, await echo.body.text()]).toEqual([200, "PUT héllo"]);
    const busy = await pool.request(`${base}/busy`);
    expect([busy.statusCode, busy.headers["retry-after"]]).toEqual([503, "7"]);
    await busy.body.dump();
    const again = await pool.request(`${base}/plain`);
    expect(await again.body.text()).toBe("ok");
    expect(connections.length - before).toBe(1);
    await pool.close();
  });

  it("ends a streaming body with an AbortError when the signal fires, and ignores a signal fired after the end", async () => {
    const pool = createNodePool();
    const controller = new AbortController();
    const res = await pool.request(`${base}/stream`, { signal: controller.signal });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const chunk of res.body) {
        seen.push(Buffer.from(chunk).toString());
        controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toEqual(['{"type":"BOOKMARK"}\n']);

    const late = new AbortController();
    const done = await pool.request(`${base}/plain`, { signal: late.signal });
    expect(await done.body.text()).toBe("ok");
    late.abort();
    // The pooled connection survives the late abort: the next request goes out on it and is answered.
    const next = await pool.request(`${base}/plain`);
    expect(await next.body.text()).toBe("ok");
    expect(requestSockets.at(-1)).toBe(requestSockets.at(-2));
    await pool.close();
  });

  it("rejects with an AbortError when the signal fires before the answer, or had fired already", async () => {
    const pool = createNodePool();
    const controller = new AbortController();
    const pending = pool.request(`${base}/stream-never`, { signal: AbortSignal.abort() });
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    server.once("request", () => controller.abort());
    await expect(pool.request(`${base}/stream`, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    await pool.close();
  });

  it("lets a request in flight finish after close, then closes its connection and refuses new requests", async () => {
    const pool = createNodePool({ keepAliveTimeoutMs: 10_000 });
    const res = await pool.request(`${base}/stream`);
    await pool.close();
    expect(pool.closed).toBe(true);
    const stream = streams.at(-1) as ServerResponse;
    const socket = requestSockets.at(-1) as Socket;
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    stream.end('{"type":"ADDED"}\n');
    expect(await res.body.text()).toBe('{"type":"BOOKMARK"}\n{"type":"ADDED"}\n');
    await closed;
    await expect(pool.request(`${base}/plain`)).rejects.toMatchObject({ code: "ERR_POOL_CLOSED" });
  });
});

describe("keep-alive timeout", () => {
  it("closes an idle pooled connection, but never a response that is quiet longer (a watch)", async () => {
    const pool = createNodePool({ keepAliveTimeoutMs: 100 });
    const res = await pool.request(`${base}/stream`);
    const stream = streams.at(-1) as ServerResponse;
    const socket = requestSockets.at(-1) as Socket;
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of res.body) chunks.push(Buffer.from(chunk).toString());
    })();
    // Quiet for three keep-alive timeouts, then more events: they still arrive on the same connection.
    await new Promise((resolve) => setTimeout(resolve, 400));
    stream.end('{"type":"ADDED"}\n');
    await reading;
    expect(chunks.join("")).toBe('{"type":"BOOKMARK"}\n{"type":"ADDED"}\n');
    // Back in the pool and idle, the connection is closed after the timeout.
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await pool.close();
  });
});

describe("HttpBody.dump", () => {
  it("reads a finite body to its end and cuts off one that does not end past 128 KiB", async () => {
    const pool = createNodePool();
    const finite = await pool.request(`${base}/plain`);
    await finite.body.dump();
    const endless = await pool.request(`${base}/stream`);
    const stream = streams.at(-1) as ServerResponse;
    const socket = requestSockets.at(-1) as Socket;
    const cutOff = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const chunk = "x".repeat(64 * 1024);
    const feeding = setInterval(() => stream.write(chunk), 5);
    await endless.body.dump();
    // The client hung up: the server sees its connection close while it still had more to send.
    await cutOff;
    clearInterval(feeding);
    expect(stream.writableEnded).toBe(false);
    await pool.close();
  });
});
