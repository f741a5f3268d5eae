import { CONTROLLER_API_KEY } from "@emqx-reconciler/api";

/** HTTP Basic credentials of an EMQX API key. Never log, print or put in an Event or status. */
export interface BasicCredential {
  username: string;
  password: string;
}

/** Decodes a Secret's base64 `data` into strings (`stringData` is write-only and never read back). */
export function decodeSecretData(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {}))
    out[key] = Buffer.from(value, "base64").toString("utf8");
  return out;
}

/**
 * Finds the `emqx-operator-controller:<password>` line of a bootstrap API key file (lines `key:secret[:role]`),
 * exactly as the operator reads it back; `undefined` when the line is absent.
 */
export function findControllerCredential(bootstrapFile: string): BasicCredential | undefined {
  for (const raw of bootstrapFile.split("\n")) {
    const line = raw.trim();
    const sep = line.indexOf(":");
    if (sep <= 0 || line.slice(0, sep) !== CONTROLLER_API_KEY) continue;
    const rest = line.slice(sep + 1);
    const roleSep = rest.indexOf(":");
    const password = roleSep < 0 ? rest : rest.slice(0, roleSep);
    if (password.length > 0) return { username: CONTROLLER_API_KEY, password };
  }
  return undefined;
}
