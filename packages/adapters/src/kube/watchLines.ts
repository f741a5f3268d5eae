/**
 * Reading a watch response body, without the I/O: the body is newline-delimited JSON, one notification a line,
 * arriving in chunks that may cut a line anywhere.
 */
import type { KubeStatusBody } from "./errors.ts";
import type { KubeObject } from "./types.ts";

/** One watch notification. A `BOOKMARK` carries only `metadata.resourceVersion`: a position to resume from. */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";
  object: KubeObject;
}

/**
 * What one line says:
 * - `blank`: nothing (keep-alive whitespace);
 * - `event`: a notification for the caller;
 * - `gone`: an `ERROR` with code 410, the position is older than the server's history;
 * - `failed`: any other `ERROR`, with its status body and code (500 when the body has none);
 * - `malformed`: not JSON.
 */
export type WatchLine =
  | { kind: "blank" }
  | { kind: "event"; event: WatchEvent }
  | { kind: "gone" }
  | { kind: "failed"; code: number; status: KubeStatusBody }
  | { kind: "malformed"; error: Error };

/**
 * Parses one line of a watch response.
 * @example parseWatchLine('{"type":"ERROR","object":{"code":410}}') // { kind: "gone" }
 */
export function parseWatchLine(line: string): WatchLine {
  if (line.trim() === "") return { kind: "blank" };
  let parsed: { type: string; object: KubeObject };
  try {
    parsed = JSON.parse(line) as { type: string; object: KubeObject };
  } catch (err) {
    return { kind: "malformed", error: new Error("Malformed watch event", { cause: err }) };
  }
  if (parsed.type !== "ERROR") return { kind: "event", event: parsed as WatchEvent };
  const status = parsed.object as KubeStatusBody & { code?: number };
  if (status.code === 410) return { kind: "gone" };
  return { kind: "failed", code: status.code ?? 500, status };
}

/**
 * Splits buffered text into its complete lines and the unfinished rest, which waits for the next chunk.
 * @example splitLines('{"a":1}\n{"b"') // { lines: ['{"a":1}'], rest: '{"b"' }
 */
export function splitLines(buffer: string): { lines: string[]; rest: string } {
  const lines = buffer.split("\n");
  const rest = lines.pop() ?? "";
  return { lines, rest };
}
