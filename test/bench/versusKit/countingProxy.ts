/**
 * One plain-HTTP proxy on loopback in front of a sandbox's apiserver, counting every request that passes: the
 * reconciler under test (the operator, or `emqx-reconciler run`) talks to it with a credential-free kubeconfig,
 * and the proxy forwards with the sandbox's client certificate. Watches stream through; a client that hangs up
 * ends its upstream request.
 */
import { writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { KubeTarget } from "@emqx-reconciler/adapters";

/** Requests counted since the last reset, in total and by verb (`GET`, `LIST`, `WATCH`, `PATCH`, …). */
export interface ProxyCounts {
  total: number;
  byVerb: Record<string, number>;
  /** By verb and resource: `LIST rebalances`, `PUT leases`, `WATCH pods`, … */
  byRequest: Record<string, number>;
}

/** One request that passed the proxy: when it arrived (`performance.now()`), its verb, path and answer status. */
export interface ProxiedRequest {
  atMs: number;
  verb: string;
  method: string;
  url: string;
  status?: number;
}

/** A running counting proxy. */
export interface CountingProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  counts(): ProxyCounts;
  /** The requests since the last reset, in arrival order (a timeline to read beside the contestant's log). */
  journal(): readonly ProxiedRequest[];
  reset(): void;
  /** Milliseconds since the last request arrived. */
  quietForMs(): number;
  /** Writes a kubeconfig that points at the proxy (no credentials: the proxy adds them). */
  writeKubeconfig(path: string): Promise<void>;
  close(): Promise<void>;
}

/** The resource (plural) a request path names: `/apis/apps.emqx.io/v2beta1/namespaces/x/rebalances/y` → `rebalances`. */
function resourceOf(url: string): string {
  const segments = (url.split("?")[0] ?? "").split("/").filter(Boolean);
  const rest = segments.slice(segments[0] === "api" ? 2 : 3);
  const withoutNamespace = rest[0] === "namespaces" && rest.length > 2 ? rest.slice(2) : rest;
  return withoutNamespace[0] ?? segments.join("/");
}

/** The journal keeps at most this many requests between resets (a long run without reset stays bounded). */
const JOURNAL_LIMIT = 100_000;

/** `LIST` for a collection GET, `WATCH` for a watch, else the method. */
function verbOf(method: string, url: string): string {
  if (method !== "GET") return method;
  const [path = "", query = ""] = url.split("?");
  if (/(^|&)watch=(true|1)/.test(query)) return "WATCH";
  const segments = path.split("/").filter(Boolean);
  // /api/v1/<plural>[/<name>], /apis/<group>/<version>/<plural>[/<name>], with namespaces/<ns>/ in between.
  const rest = segments.slice(segments[0] === "api" ? 2 : 3);
  const withoutNamespace = rest[0] === "namespaces" && rest.length > 2 ? rest.slice(2) : rest;
  return withoutNamespace.length === 1 ? "LIST" : "GET";
}

/** Starts the proxy in front of `target` (the sandbox's kubeconfig target). */
export async function startCountingProxy(target: KubeTarget): Promise<CountingProxy> {
  const upstream = new URL(target.server);
  const credentials = await target.auth();
  const agent = new https.Agent({
    keepAlive: true,
    ca: target.tls.ca,
    cert: credentials.cert ?? target.tls.cert,
    key: credentials.key ?? target.tls.key,
    servername: target.tls.servername,
    rejectUnauthorized: !target.tls.insecure,
  });
  let counts: ProxyCounts = { total: 0, byVerb: {}, byRequest: {} };
  let lastAt = performance.now();
  let journal: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const verb = verbOf(req.method ?? "GET", req.url ?? "/");
    const entry: ProxiedRequest = {
      atMs: performance.now(),
      verb,
      method: req.method ?? "GET",
      url: req.url ?? "/",
    };
    if (journal.length < JOURNAL_LIMIT) journal.push(entry);
    counts.total++;
    counts.byVerb[verb] = (counts.byVerb[verb] ?? 0) + 1;
    const request = `${verb} ${resourceOf(req.url ?? "/")}`;
    counts.byRequest[request] = (counts.byRequest[request] ?? 0) + 1;
    lastAt = performance.now();
    const headers = { ...req.headers, host: upstream.host };
    if (credentials.authorization) headers.authorization = credentials.authorization;
    const up = https.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // An upstream that dies mid-answer (an apiserver restart) must cut the client too, as a direct
        // connection would: a piped stream left open looks like a quiet watch until the client's idle timeout.
        answer.on("close", () => {
          if (!answer.complete) res.destroy();
        });
      },
    );
    up.on("error", () => res.destroy());
    res.on("close", () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    counts: () => ({ total: counts.total, byVerb: { ...counts.byVerb }, byRequest: { ...counts.byRequest } }),
    journal: () => journal,
    reset: () => {
      counts = { total: 0, byVerb: {}, byRequest: {} };
      journal = [];
    },
    quietForMs: () => performance.now() - lastAt,
    writeKubeconfig: (path) =>
      writeFile(
        path,
        [
          "apiVersion: v1",
          "kind: Config",
          `clusters: [{name: proxy, cluster: {server: '${url}'}}]`,
          "users: [{name: proxy, user: {}}]",
          "contexts: [{name: proxy, context: {cluster: proxy, user: proxy}}]",
          "current-context: proxy",
          "",
        ].join("\n"),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
