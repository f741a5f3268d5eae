/**
 * API keys as EMQX loads them from `api_key.bootstrap_file`, and the role rules the
 * emulated endpoints apply.
 */
import { isAtLeast, type VersionInfo } from "./versions.ts";

/** A role a key or dashboard user may hold. Namespaced roles (`ns:<ns>::<role>`, 6.0) are kept verbatim. */
export type ApiRole = string;

/** One loaded API key. */
export interface ApiKey {
  readonly secret: string;
  readonly role: ApiRole;
}

const ROLES = new Set(["administrator", "viewer", "publisher"]);

/**
 * Parses bootstrap lines and returns the keys loaded. As in EMQX, a bad line stops the load there and keeps the
 * lines before it; before 5.4 everything after the first `:` is the secret; Opensource 5.4–5.8 accepts only
 * `administrator`.
 */
export function parseBootstrapKeys(text: string, info: VersionInfo): Map<string, ApiKey> {
  const keys = new Map<string, ApiKey>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const parsed = parseLine(line, info);
    if (!parsed) break;
    keys.set(parsed.key, { secret: parsed.secret, role: parsed.role });
  }
  return keys;
}

function parseLine(
  line: string,
  info: VersionInfo,
): { key: string; secret: string; role: ApiRole } | undefined {
  if (!isAtLeast(info.release, 5, 4)) {
    const m = /^(.+?):(.+)$/.exec(line);
    return m ? { key: m[1] as string, secret: m[2] as string, role: "administrator" } : undefined;
  }
  const m = /^(.+?):(.+?)(?::(.+?))?$/.exec(line);
  if (!m) return undefined;
  const role = m[3] ?? "administrator";
  return isRoleAccepted(role, info) ? { key: m[1] as string, secret: m[2] as string, role } : undefined;
}

function isRoleAccepted(role: string, info: VersionInfo): boolean {
  if (info.edition === "Opensource") return role === "administrator";
  const namespaced = /^ns:[^:]+::(.+)$/.exec(role);
  if (namespaced) return info.release.major >= 6 && ROLES.has(namespaced[1] as string);
  return ROLES.has(role);
}

/**
 * Whether `role` may call `method` on an emulated endpoint: administrators everything, viewers GETs only,
 * publishers (and namespaced roles, which reach only namespaced APIs) none of the emulated endpoints.
 */
export function isRoleAllowed(role: ApiRole, method: string): boolean {
  if (role === "administrator") return true;
  if (role === "viewer") return method === "GET";
  return false;
}
