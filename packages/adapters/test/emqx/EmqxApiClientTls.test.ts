/**
 * The EMQX API client against local TLS servers with openssl-made certificates: a trusted CA and an accepted
 * name succeed; an unknown CA, the platform roots alone, or a certificate for another host fail with
 * `untrusted-certificate` and are not failed over; nothing ever turns verification off.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateCa, generateServingCertificate, type PemPair } from "@emqx-reconciler/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDashboardPool,
  type DashboardTrust,
  EmqxApiClient,
  EmqxApiError,
  EmqxApiErrorKind,
} from "../../src/index.ts";

const credential = { username: "emqx-operator-controller", password: "pw-0123456789abcdef" };
const SERVICE = "emqx-dashboard.default.svc";
const NODES = [{ node: "emqx@emqx-core-0.emqx-headless.default.svc.cluster.local", node_status: "running" }];

let dir: string;
let userCa: PemPair;
let otherCa: PemPair;
const servers: Server[] = [];
const hits = new Map<string, number>();

/** An https server on `host` serving `pair`, answering `/api/v5/nodes`; resolves to its port. */
async function serve(host: string, pair: PemPair): Promise<number> {
  const server = createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    hits.set(host, (hits.get(host) ?? 0) + 1);
    const body = JSON.stringify(req.url === "/api/v5/nodes" ? NODES : {});
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return (server.address() as AddressInfo).port;
}

function client(trust: DashboardTrust, podIPs: string[], port: number): EmqxApiClient {
  return new EmqxApiClient({
    endpoint: { mode: "pod-ip", podIPs, scheme: "https", port },
    credential,
    timeoutMs: 5000,
    pool: createDashboardPool(trust, { keepAliveTimeoutMs: 100 }),
  });
}

async function failure(call: Promise<unknown>): Promise<EmqxApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmqxApiError);
  return error as EmqxApiError;
}

let servicePort: number;
let ipPort: number;
let otherHostPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "emqx-client-tls-"));
  [userCa, otherCa] = await Promise.all([
    generateCa(dir, "user-ca", "user-ca"),
    generateCa(dir, "other-ca", "other-ca"),
  ]);
  const [forService, forIp, forOther] = await Promise.all([
    generateServingCertificate(dir, "user-ca", "service", [`DNS:${SERVICE}`, "DNS:emqx-dashboard"]),
    generateServingCertificate(dir, "user-ca", "ip", ["IP:127.0.62.2"]),
    generateServingCertificate(dir, "user-ca", "other", ["DNS:other-dashboard.default.svc"]),
  ]);
  servicePort = await serve("127.0.62.1", forService);
  ipPort = await serve("127.0.62.2", forIp);
  otherHostPort = await serve("127.0.62.3", forOther);
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await rm(dir, { recursive: true, force: true });
});

describe("EmqxApiClient over https", () => {
  it("accepts a certificate from the trusted CA that names the dashboard Service while calling the pod IP", async () => {
    const api = client({ ca: userCa.cert, serverNames: [SERVICE] }, ["127.0.62.1"], servicePort);
    expect(await api.listNodes()).toEqual([expect.objectContaining({ node_status: "running" })]);
  });

  it("accepts a certificate that names the pod IP it calls", async () => {
    const api = client({ ca: userCa.cert, serverNames: [SERVICE] }, ["127.0.62.2"], ipPort);
    expect(await api.listNodes()).toHaveLength(1);
  });

  it("refuses a certificate from another CA with untrusted-certificate, without failing over", async () => {
    hits.clear();
    const api = client(
      { ca: otherCa.cert, serverNames: [SERVICE] },
      ["127.0.62.1", "127.0.62.2"],
      servicePort,
    );
    const error = await failure(api.listNodes());
    expect(error.kind).toBe(EmqxApiErrorKind.UntrustedCertificate);
    expect(error.message).toMatch(
      /did not verify against the trusted CA \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    );
    expect(error.message).toContain("https://127.0.62.1:");
    expect(hits.size).toBe(0);
  });

  it("refuses a private CA's certificate when only the platform's default roots are trusted", async () => {
    const api = client({ serverNames: [SERVICE] }, ["127.0.62.1"], servicePort);
    expect((await failure(api.listNodes())).kind).toBe(EmqxApiErrorKind.UntrustedCertificate);
  });

  it("refuses a trusted CA's certificate for another host name", async () => {
    const api = client({ ca: userCa.cert, serverNames: [SERVICE] }, ["127.0.62.3"], otherHostPort);
    const error = await failure(api.listNodes());
    expect(error.kind).toBe(EmqxApiErrorKind.UntrustedCertificate);
    expect(error.message).toContain("names none of the accepted hosts (ERR_TLS_CERT_ALTNAME_INVALID");
    expect(error.message).toContain(`names neither 127.0.62.3 nor ${SERVICE}`);
  });

  it("keeps the CA bundle out of error messages", async () => {
    const api = client({ ca: otherCa.cert, serverNames: [SERVICE] }, ["127.0.62.1"], servicePort);
    const error = await failure(api.listNodes());
    expect(error.message).not.toContain("BEGIN CERTIFICATE");
    expect(error.message).not.toContain(otherCa.cert.split("\n")[1]);
  });

  it("reports an availability check through an untrusted certificate as unknown", async () => {
    const api = client({ ca: otherCa.cert, serverNames: [SERVICE] }, ["127.0.62.1"], servicePort);
    expect(await api.availabilityCheck("127.0.62.1")).toBe("unknown");
  });
});
