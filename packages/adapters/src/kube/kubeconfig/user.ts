/** The `user` half of a context: client certificate, token, token file, HTTP Basic or an exec plugin. */
import type { ClusterInfo } from "./cluster.ts";
import { execAuth } from "./exec.ts";
import { type EntryReader, fieldError, has, optionalString, pemField, resolvePath } from "./fields.ts";
import { KubeconfigError } from "./KubeconfigError.ts";
import { anonymousAuth, type KubeAuth, type KubeTls, staticAuth } from "./KubeTarget.ts";
import { tokenFileAuth } from "./tokenFile.ts";

/** A user entry, checked: client certificate material and the credential source. */
export interface UserInfo {
  tls: Pick<KubeTls, "cert" | "key">;
  auth: KubeAuth;
}

/** Options of {@link readUser}. */
export interface ReadUserOptions {
  /** Allow exec plugins (refused where no plugin binary can run, e.g. a kubeconfig kept in a secret). @default true */
  allowExec?: boolean;
  /** Clock for credential expiry. @default Date.now */
  now?: () => number;
}

const IMPERSONATION = ["as", "as-uid", "as-groups", "as-user-extra"];

/** Reads and checks a user entry. At most one of token/tokenFile, username/password and exec may be set. */
export function readUser(r: EntryReader, cluster: ClusterInfo, options: ReadUserOptions = {}): UserInfo {
  if (has(r, "auth-provider"))
    throw fieldError(
      r,
      "auth-provider",
      "auth providers are not supported; use an exec plugin (client.authentication.k8s.io) instead",
    );
  for (const field of IMPERSONATION)
    if (has(r, field)) throw fieldError(r, field, "impersonation is not supported");
  const methods = [
    (has(r, "token") || has(r, "tokenFile")) && "token",
    (has(r, "username") || has(r, "password")) && "username/password",
    has(r, "exec") && "exec",
  ].filter((m): m is string => typeof m === "string");
  if (methods.length > 1)
    throw new KubeconfigError(
      `${r.where}: more than one authentication method (${methods.join(", ")}); keep one`,
    );
  return { tls: clientCertificate(r), auth: credentialSource(r, cluster, options) };
}

function clientCertificate(r: EntryReader): UserInfo["tls"] {
  const cert = pemField(r, "client-certificate");
  const key = pemField(r, "client-key");
  if (cert !== undefined && key === undefined)
    throw fieldError(r, "client-key", "is required with client-certificate");
  if (key !== undefined && cert === undefined)
    throw fieldError(r, "client-certificate", "is required with client-key");
  return cert !== undefined && key !== undefined ? { cert, key } : {};
}

function credentialSource(r: EntryReader, cluster: ClusterInfo, options: ReadUserOptions): KubeAuth {
  const tokenFile = optionalString(r, "tokenFile");
  // As in client-go, a token file wins over an inline token: it is re-read, so it follows rotation.
  if (tokenFile !== undefined)
    return tokenFileAuth(resolvePath(r, tokenFile), `${r.where}.tokenFile`, options.now);
  const token = optionalString(r, "token");
  if (token !== undefined) return staticAuth({ authorization: `Bearer ${token}` });
  const username = optionalString(r, "username");
  const password = optionalString(r, "password");
  if (username !== undefined || password !== undefined) {
    if (username === undefined) throw fieldError(r, "username", "is required with password");
    if (password === undefined) throw fieldError(r, "password", "is required with username");
    const basic = Buffer.from(`${username}:${password}`).toString("base64");
    return staticAuth({ authorization: `Basic ${basic}` });
  }
  if (has(r, "exec")) {
    if (options.allowExec === false)
      throw fieldError(r, "exec", "exec plugins cannot run here; use a token or a client certificate");
    return execAuth(r, cluster, options);
  }
  return anonymousAuth;
}
