/**
 * Certificates for a sandbox, made with the `openssl` CLI: one CA that signs the apiserver's serving certificate
 * and the client certificates (the apiserver trusts it as its client CA), an admin client certificate in
 * `system:masters`, and the service-account signing key pair. Tests also make their own CAs and serving
 * certificates here (an EMQX dashboard certificate, as a user would put it in a Secret).
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { SandboxError } from "./errors.ts";

const run = promisify(execFile);

/** Paths of the generated PEM files. */
export interface SandboxCertificates {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

const DAYS = "3650";
const CA_EXTENSIONS = [
  "basicConstraints=critical,CA:TRUE",
  "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
];

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function openssl(args: string[]): Promise<void> {
  try {
    await run("openssl", args);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split("\n")[0] ?? String(error);
    throw new SandboxError(`openssl ${args[0]} failed: ${detail}`, { cause: error });
  }
}

/**
 * A certificate and key in `<base>.crt`/`<base>.key`: self-signed for a CA, otherwise signed by the CA whose
 * `<signer>.crt`/`<signer>.key` are in `dir` (OpenSSL 3: `req -x509 -CA`).
 */
async function certificate(
  dir: string,
  base: string,
  subject: string,
  extensions: string[],
  signer: "self" | string = "ca",
): Promise<void> {
  const ca =
    signer === "self" ? [] : ["-CA", join(dir, `${signer}.crt`), "-CAkey", join(dir, `${signer}.key`)];
  await openssl([
    "req",
    "-x509",
    ...EC_KEY,
    "-days",
    DAYS,
    "-subj",
    subject,
    ...ca,
    "-keyout",
    join(dir, `${base}.key`),
    "-out",
    join(dir, `${base}.crt`),
    ...extensions.flatMap((ext) => ["-addext", ext]),
  ]);
}

/** Writes every certificate and key of a sandbox into `dir`. */
export async function generateCertificates(dir: string): Promise<SandboxCertificates> {
  await certificate(dir, "ca", "/CN=emqx-reconciler-sandbox-ca", CA_EXTENSIONS, "self");
  const sans = [
    "IP:127.0.0.1",
    "DNS:localhost",
    "IP:10.96.0.1",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
  ];
  await Promise.all([
    certificate(dir, "apiserver", "/CN=kube-apiserver", [
      `subjectAltName=${sans.join(",")}`,
      "extendedKeyUsage=serverAuth",
      "basicConstraints=critical,CA:FALSE",
    ]),
    certificate(dir, "admin", "/O=system:masters/CN=admin", [
      "extendedKeyUsage=clientAuth",
      "basicConstraints=critical,CA:FALSE",
    ]),
  ]);
  const { privateKey, publicKey } = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  await writeFile(join(dir, "sa.key"), privateKey, { mode: 0o600 });
  await writeFile(join(dir, "sa.pub"), publicKey);
  return {
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    servingCert: join(dir, "apiserver.crt"),
    servingKey: join(dir, "apiserver.key"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
    serviceAccountKey: join(dir, "sa.key"),
    serviceAccountPublicKey: join(dir, "sa.pub"),
  };
}

/** PEM text of a certificate and its private key. */
export interface PemPair {
  cert: string;
  key: string;
}

async function readPair(dir: string, base: string): Promise<PemPair> {
  const [cert, key] = await Promise.all([
    readFile(join(dir, `${base}.crt`), "utf8"),
    readFile(join(dir, `${base}.key`), "utf8"),
  ]);
  return { cert, key };
}

/**
 * A self-signed CA in `<dir>/<base>.crt`/`.key` (for tests that play a user's own PKI), returned as PEM text;
 * pass the same `dir` and `base` to {@link generateServingCertificate} to sign with it.
 */
export async function generateCa(dir: string, base: string, commonName: string): Promise<PemPair> {
  await certificate(dir, base, `/CN=${commonName}`, CA_EXTENSIONS, "self");
  return readPair(dir, base);
}

/**
 * A serving certificate (`serverAuth`) for `sans` (`DNS:…`/`IP:…` entries), signed by the CA `<dir>/<ca>.crt`,
 * written to `<dir>/<base>.crt`/`.key` and returned as PEM text.
 */
export async function generateServingCertificate(
  dir: string,
  ca: string,
  base: string,
  sans: readonly string[],
): Promise<PemPair> {
  await certificate(
    dir,
    base,
    `/CN=${sans[0]?.replace(/^(DNS|IP):/, "") ?? base}`,
    [`subjectAltName=${sans.join(",")}`, "extendedKeyUsage=serverAuth", "basicConstraints=critical,CA:FALSE"],
    ca,
  );
  return readPair(dir, base);
}
