/**
 * Test support for the kubeconfig loaders: temp folders, kubeconfig files, a throwaway PKI made with openssl,
 * and an HTTPS server that asks for client certificates — real TLS, as a user's cluster would have it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { stringify } from "yaml";

const made: string[] = [];

/** A fresh temp folder, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kubeconfig-test-"));
  made.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `value` as YAML to `dir/name`; returns the path. */
export function writeYaml(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(value));
  return path;
}

/** A one-cluster, one-user kubeconfig with the context `ctx` (current). */
export function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown> = {}) {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster }],
    users: [{ name: "u", user }],
    contexts: [{ name: "ctx", context: { cluster: "c", user: "u", namespace: "team" } }],
    "current-context": "ctx",
  };
}

/** Base64 of a text, as kubeconfig `*-data` fields hold it. */
export const b64 = (text: string): string => Buffer.from(text).toString("base64");

/** File paths and PEM text of a CA, a server certificate and a client certificate. */
export interface Pki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Paths of the files above (`ca.crt`, `client.crt`, `client.key`, …) in `dir`. */
  paths: Record<"caCert" | "clientCert" | "clientKey", string>;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

function signed(dir: string, name: string, subject: string, extensions: string): void {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(dir, ["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "1",
    "-extfile",
    `${name}.ext`,
  ]);
}

/**
 * A CA, a server certificate valid for `127.0.0.1` and `kube.internal` (not for 127.0.0.2, so a test can need
 * `tls-server-name`), and a client certificate for `alice` — all made fresh with openssl.
 */
export function makePki(): Pki {
  const dir = tempDir();
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-subj",
    "/CN=test-ca",
    "-days",
    "1",
  ]);
  signed(dir, "server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,DNS:kube.internal\n");
  signed(dir, "client", "/CN=alice/O=admins", "extendedKeyUsage=clientAuth\n");
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    dir,
    caCert: read("ca.crt"),
    serverCert: read("server.crt"),
    serverKey: read("server.key"),
    clientCert: read("client.crt"),
    clientKey: read("client.key"),
    paths: {
      caCert: join(dir, "ca.crt"),
      clientCert: join(dir, "client.crt"),
      clientKey: join(dir, "client.key"),
    },
  };
}

/** What the HTTPS server saw of a request: the client certificate's CN and the Authorization header. */
export interface TlsSeen {
  clientCn: string | undefined;
  authorization: string | undefined;
}

/** An HTTPS server on `host` with the PKI's server certificate that asks for (but does not require) client certs. */
export interface TlsServer {
  url: string;
  seen: TlsSeen[];
  close(): Promise<void>;
}

/** Starts an HTTPS server answering `{}` to every request and recording who asked. */
export async function startTlsServer(pki: Pki, host = "127.0.0.1"): Promise<TlsServer> {
  const seen: TlsSeen[] = [];
  const server: Server = createServer(
    {
      cert: pki.serverCert,
      key: pki.serverKey,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      const cn = peer?.subject?.CN;
      seen.push({
        clientCn: Array.isArray(cn) ? cn.join(",") : cn,
        authorization: req.headers.authorization,
      });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    },
  );
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host}:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
