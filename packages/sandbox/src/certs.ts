/**
 * Certificates for a sandbox, made with the `openssl` CLI: one CA that signs the apiserver's serving certificate
 * and the client certificates (the apiserver trusts it as its client CA), an admin client certificate in
 * `system:masters`, and the service-account signing key pair.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
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
 * A certificate and key in `<base>.crt`/`<base>.key`: self-signed for the CA itself, otherwise signed by the
 * sandbox CA (OpenSSL 3: `req -x509 -CA`).
 */
async function certificate(
  dir: string,
  base: string,
  subject: string,
  extensions: string[],
  signer: "self" | "ca" = "ca",
): Promise<void> {
  const ca = signer === "ca" ? ["-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key")] : [];
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
  await certificate(
    dir,
    "ca",
    "/CN=emqx-reconciler-sandbox-ca",
    ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"],
    "self",
  );
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
