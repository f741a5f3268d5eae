/** Bearer tokens kept in a file that something else rotates (projected service account tokens, `tokenFile`). */
import { readFile } from "node:fs";
import { KubeconfigError } from "./KubeconfigError.ts";
import { cachingAuth, type KubeAuth } from "./KubeTarget.ts";

/** How long a token read from a file is used before the file is read again (client-go re-reads every minute). */
export const TOKEN_FILE_REREAD_MS = 60_000;

/**
 * Reads the bearer token from `path`, again every {@link TOKEN_FILE_REREAD_MS} and after the server refuses it,
 * so a rotated token is picked up without a restart. `what` names the field or file in errors.
 */
export function tokenFileAuth(path: string, what: string, now: () => number = Date.now): KubeAuth {
  return cachingAuth(async () => {
    let token: string;
    try {
      token = (await readText(path)).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      throw new KubeconfigError(`${what}: cannot read ${path} (${code})`, { cause: error });
    }
    if (token === "") throw new KubeconfigError(`${what}: ${path} is empty`);
    return { credentials: { authorization: `Bearer ${token}` }, expiresAt: now() + TOKEN_FILE_REREAD_MS };
  }, now);
}

/**
 * The text of `path`. Through `node:fs` rather than `node:fs/promises`, which would load Node's promise file API
 * and the readline and stream modules it brings (about 1 MiB resident) into every process that imports this.
 */
function readText(path: string): Promise<string> {
  return new Promise((resolve, reject) =>
    readFile(path, "utf8", (error, text) => (error ? reject(error) : resolve(text))),
  );
}
