/**
 * Exec credential plugins (`client.authentication.k8s.io/v1` and `v1beta1`): runs the user's `command` (for
 * EKS `aws eks get-token`), reads the ExecCredential it prints, caches it until shortly before it expires, and
 * runs the command again when the server refuses it.
 */
import { isAbsolute, sep } from "node:path";
import type { ClusterInfo } from "./cluster.ts";
import { type EntryReader, fieldError, isRecord, resolvePath } from "./fields.ts";
import { KubeconfigError } from "./KubeconfigError.ts";
import { cachingAuth, type FreshCredentials, type KubeAuth, type KubeCredentials } from "./KubeTarget.ts";

/** The ExecCredential API versions we speak (v1alpha1 was removed from Kubernetes in 1.24). */
export const EXEC_API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

/** Credentials are fetched again this long before their `expirationTimestamp`, so none expires in flight. */
export const EXEC_EXPIRY_MARGIN_MS = 60_000;

/** A plugin that has not answered after this long is stopped. */
export const EXEC_TIMEOUT_MS = 60_000;

/** A checked `exec` stanza. */
export interface ExecSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
}

/** Options of {@link execAuth}. */
export interface ExecAuthOptions {
  /** Clock for expiry. @default Date.now */
  now?: () => number;
}

/** The credential source of a user with an `exec` stanza. */
export function execAuth(r: EntryReader, cluster: ClusterInfo, options: ExecAuthOptions = {}): KubeAuth {
  const spec = readExecSpec(r);
  const now = options.now ?? Date.now;
  const where = `${r.where}.exec`;
  return cachingAuth(
    async () => parseExecCredential(await runPlugin(spec, cluster, where), spec, where),
    now,
  );
}

/** Checks an `exec` stanza; a relative command with a path separator is relative to the kubeconfig's folder. */
export function readExecSpec(r: EntryReader): ExecSpec {
  const exec = r.entry.fields.exec;
  if (!isRecord(exec)) throw fieldError(r, "exec", "must be a mapping");
  const fail = (field: string, rule: string) => fieldError(r, `exec.${field}`, rule);
  const { command, args, env, apiVersion, installHint, provideClusterInfo, interactiveMode } = exec;
  if (typeof command !== "string" || command === "") throw fail("command", "is required");
  if (typeof apiVersion !== "string" || !EXEC_API_VERSIONS.includes(apiVersion))
    throw fail("apiVersion", `must be one of ${EXEC_API_VERSIONS.join(", ")}`);
  if (args != null && !(Array.isArray(args) && args.every((a) => typeof a === "string")))
    throw fail("args", "must be a list of strings");
  if (interactiveMode === "Always")
    throw fail("interactiveMode", "Always needs a terminal; this client never runs plugins interactively");
  const vars: Record<string, string> = {};
  if (env != null) {
    if (!Array.isArray(env)) throw fail("env", "must be a list of {name, value}");
    for (const item of env as unknown[]) {
      if (!isRecord(item) || typeof item.name !== "string" || typeof item.value !== "string")
        throw fail("env", "must be a list of {name, value} strings");
      vars[item.name] = item.value;
    }
  }
  return {
    command: command.includes(sep) && !isAbsolute(command) ? resolvePath(r, command) : command,
    args: (args as string[] | null | undefined) ?? [],
    env: vars,
    apiVersion,
    ...(typeof installHint === "string" && installHint !== "" ? { installHint } : {}),
    provideClusterInfo: provideClusterInfo === true,
  };
}

/** The `KUBERNETES_EXEC_INFO` a plugin reads: never interactive, the cluster only when asked for. */
export function execInfo(spec: ExecSpec, cluster: ClusterInfo): string {
  const info: Record<string, unknown> = { interactive: false };
  if (spec.provideClusterInfo)
    info.cluster = {
      server: cluster.server,
      ...(cluster.tls.servername ? { "tls-server-name": cluster.tls.servername } : {}),
      ...(cluster.tls.insecure ? { "insecure-skip-tls-verify": true } : {}),
      ...(cluster.tls.ca
        ? { "certificate-authority-data": Buffer.from(cluster.tls.ca).toString("base64") }
        : {}),
    };
  return JSON.stringify({ apiVersion: spec.apiVersion, kind: "ExecCredential", spec: info });
}

function runPlugin(spec: ExecSpec, cluster: ClusterInfo, where: string): Promise<string> {
  const env = { ...process.env, ...spec.env, KUBERNETES_EXEC_INFO: execInfo(spec, cluster) };
  // Loaded on the first plugin run: a kubeconfig without `exec` users never pays for `child_process` (and the
  // `net`/`dgram` parts it brings, about 0.75 MiB resident).
  const { execFile } = process.getBuiltinModule("node:child_process");
  return new Promise((resolve, reject) => {
    const child = execFile(
      spec.command,
      spec.args,
      { env, timeout: EXEC_TIMEOUT_MS, maxBuffer: 1 << 20, encoding: "utf8", windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        const hint = spec.installHint ? `; ${spec.installHint}` : "";
        if (code === "ENOENT" || code === "EACCES")
          return reject(
            new KubeconfigError(`${where}: cannot run "${spec.command}" (${code})${hint}`, { cause: error }),
          );
        const how = error.killed
          ? `was stopped after ${EXEC_TIMEOUT_MS / 1000} s`
          : `exited with code ${code}`;
        const last = lastLine(stderr);
        reject(new KubeconfigError(`${where}: "${spec.command}" ${how}${last ? `: ${last}` : ""}${hint}`));
      },
    );
    // Never interactive: a plugin that reads stdin sees end-of-file instead of waiting for the timeout.
    child.stdin?.end();
  });
}

/** The last non-empty line of a plugin's stderr, shortened: the usual place for its own explanation. */
function lastLine(text: string): string {
  const line = text.trim().split("\n").pop()?.trim() ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Checks a plugin's ExecCredential and turns it into credentials with their expiry (minus the margin). */
export function parseExecCredential(stdout: string, spec: ExecSpec, where: string): FreshCredentials {
  const fail = (rule: string) => new KubeconfigError(`${where}: "${spec.command}" printed ${rule}`);
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw fail("no JSON ExecCredential");
  }
  if (!isRecord(doc) || doc.kind !== "ExecCredential") throw fail("something other than an ExecCredential");
  if (doc.apiVersion !== spec.apiVersion)
    throw fail(`apiVersion ${String(doc.apiVersion)}, expected ${spec.apiVersion}`);
  const status = doc.status;
  if (!isRecord(status)) throw fail("an ExecCredential without status");
  const credentials: KubeCredentials = {};
  if (typeof status.token === "string" && status.token !== "")
    credentials.authorization = `Bearer ${status.token}`;
  const { clientCertificateData: cert, clientKeyData: key } = status;
  if (typeof cert === "string" && cert !== "" && typeof key === "string" && key !== "") {
    credentials.cert = cert;
    credentials.key = key;
  } else if (cert || key)
    throw fail("status.clientCertificateData without status.clientKeyData, or the reverse");
  if (!credentials.authorization && !credentials.cert)
    throw fail("neither status.token nor status.clientCertificateData/clientKeyData");
  const expiry = status.expirationTimestamp;
  if (expiry === undefined || expiry === null) return { credentials };
  const at = typeof expiry === "string" ? Date.parse(expiry) : Number.NaN;
  if (Number.isNaN(at)) throw fail("a status.expirationTimestamp that is not an RFC 3339 time");
  return { credentials, expiresAt: at - EXEC_EXPIRY_MARGIN_MS };
}
