import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeError, KubeHttp, type KubeRequest, kubeTargetFromEndpoint } from "../../src/index.ts";
import { json, startServer, type TestServer } from "../emqx/testServer.ts";

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startServer("127.0.0.1", 0, () => {});
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const get: KubeRequest = {
  verb: "get",
  label: { verb: "GET", resource: "pods", namespace: "ns", name: "p" },
  path: "/api/v1/namespaces/ns/pods/p",
};

function http(
  options: {
    getToken?: () => Promise<string>;
    requestTimeoutMs?: number;
    server?: string;
    rateLimit?: { qps: number; burst: number };
    http2?: boolean;
  } = {},
) {
  const kubeConfig = kubeTargetFromEndpoint({ server: options.server ?? base, skipTLSVerify: true });
  return new KubeHttp({ ...options, kubeConfig });
}

async function error(promise: Promise<unknown>): Promise<KubeError> {
  return promise.then(
    () => {
      throw new Error("expected a KubeError");
    },
    (e: KubeError) => e,
  );
}

describe("KubeHttp", () => {
  it("R11 paces requests at the client-side rate limit after the burst", async () => {
    const arrivals: number[] = [];
    server.handle = (_req, res) => {
      arrivals.push(performance.now());
      json(res, 200, { kind: "Pod" });
    };
    const client = http({ rateLimit: { qps: 20, burst: 2 } });
    const started = performance.now();
    await Promise.all(Array.from({ length: 5 }, () => client.send(get)));
    // 2 at once, then one every 50 ms: the 5th request cannot leave before 150 ms.
    expect(arrivals).toHaveLength(5);
    expect((arrivals[4] ?? 0) - started).toBeGreaterThanOrEqual(145);
    await client.close();
  });

  it("R26 asks the token provider again after a 401 and retries once", async () => {
    const tokens = ["expired", "fresh"];
    server.handle = (req, res) =>
      req.headers.authorization === "Bearer fresh"
        ? json(res, 200, { kind: "Pod" })
        : json(res, 401, { kind: "Status", code: 401, reason: "Unauthorized" });
    const client = http({ getToken: async () => tokens.shift() ?? "none" });
    expect((await client.send(get)).body).toEqual({ kind: "Pod" });
    expect(tokens).toEqual([]);
    expect(client.stats.snapshot().reads).toBe(1);
    await client.close();
  });

  it("R21 honours Retry-After on 429 and classifies 5xx as retryable", async () => {
    server.handle = (_req, res) => {
      res.writeHead(429, { "retry-after": "7", "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", code: 429, reason: "TooManyRequests" }));
    };
    const client = http();
    const throttled = await error(client.send(get));
    expect([throttled.kind, throttled.retryAfterSeconds, throttled.reason]).toEqual([
      "retryable",
      7,
      "TooManyRequests",
    ]);
    server.handle = (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("upstream connect error");
    };
    const unavailable = await error(client.send(get));
    expect([unavailable.kind, unavailable.status]).toEqual(["retryable", 503]);
    expect(unavailable.message).toBe("GET pods ns/p: 503: upstream connect error");
    await client.close();
  });

  it("classifies a refused connection and a timeout as retryable", async () => {
    const refused = await error(http({ server: "http://127.0.0.1:1" }).send(get));
    expect([refused.kind, refused.reason]).toEqual(["retryable", "ECONNREFUSED"]);
    server.handle = () => {};
    const client = http({ requestTimeoutMs: 200 });
    const slow = await error(client.send(get));
    expect([slow.kind, slow.reason]).toEqual(["retryable", "Timeout"]);
    await client.close();
  });

  it.each([
    ["Node's http", false],
    ["undici over HTTP/1.1", true],
  ])(
    "keeps watch streams outside the request pool's 8 connections (%s): 40 open watches, a request still answers",
    async (_, http2) => {
      server.handle = (req, res) => {
        if (req.url.includes("watch=true")) {
          res.writeHead(200, { "content-type": "application/json" });
          res.write("");
          return;
        }
        json(res, 200, { kind: "Pod" });
      };
      const client = http({ http2 });
      const aborts = new AbortController();
      const label = { verb: "WATCH", resource: "pods" } as const;
      const watches = await Promise.all(
        Array.from({ length: 40 }, () =>
          client.stream("/api/v1/pods", { watch: true }, aborts.signal, label),
        ),
      );
      expect(watches.map((w) => w.statusCode)).toEqual(Array(40).fill(200));
      const answer = await client.send<{ kind: string }>({ ...get, timeoutMs: 5_000 });
      expect(answer.body.kind).toBe("Pod");
      aborts.abort();
      await client.close();
    },
  );
});
