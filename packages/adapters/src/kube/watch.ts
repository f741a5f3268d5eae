import {
  errorFromResponse,
  errorFromTransport,
  KubeError,
  type KubeStatusBody,
  type RequestLabel,
} from "./errors.ts";
import type { KubeHttp } from "./KubeHttp.ts";
import { type KindName, RESOURCES, resourcePath } from "./resources.ts";
import { parseWatchLine, splitLines, type WatchEvent } from "./watchLines.ts";

export type { WatchEvent } from "./watchLines.ts";

/**
 * Why a watch ended, with the last resourceVersion seen (events and bookmarks included):
 * - `closed`: the server ended it (its `timeoutSeconds` ran out); restart from `resourceVersion`.
 * - `idle`: nothing arrived for `idleTimeoutMs` (a half-open connection); restart from `resourceVersion`.
 * - `gone`: 410, the position is older than the server's history; relist, then watch from the list's version.
 * - `error`: HTTP or transport failure (or `onEvent` threw); back off, then restart from `resourceVersion`.
 * - `stopped`: `stop()` was called.
 */
export type WatchEnd =
  | { reason: "closed" | "idle" | "gone" | "stopped"; resourceVersion: string }
  | { reason: "error"; resourceVersion: string; error: Error };

/** Options of {@link watchKind}. */
export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Where to start: the list's resourceVersion, or the last one a previous watch saw. */
  resourceVersion: string;
  /** Server-side duration of one watch; the server then closes it cleanly. @default 300 */
  timeoutSeconds?: number;
  /**
   * Client-side inactivity limit. Longer than the server's bookmark period (about a minute with bookmarks on),
   * unlike client-node's fixed 30 s, which cuts quiet watches. @default 90_000
   */
  idleTimeoutMs?: number;
}

/** A running watch. */
export interface WatchHandle {
  /** Ends the watch; `onDone` then gets `stopped`. */
  stop(): void;
  /** Resolves with the same value `onDone` receives. */
  done: Promise<WatchEnd>;
}

/**
 * Watches one kind with bookmarks, reporting every event and, exactly once, how it ended. Restarting, relisting
 * and backing off are the caller's decisions (the forwarder's), made from the `WatchEnd` reason.
 */
export function watchKind(
  http: KubeHttp,
  kind: KindName,
  options: WatchOptions,
  onEvent: (event: WatchEvent) => void,
  onDone?: (end: WatchEnd) => void,
): WatchHandle {
  const info = RESOURCES[kind];
  const label: RequestLabel = { verb: "WATCH", resource: info.plural, namespace: options.namespace };
  const controller = new AbortController();
  let resourceVersion = options.resourceVersion;
  let requested: "idle" | "stopped" | undefined;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveDone: (end: WatchEnd) => void = () => {};
  const done = new Promise<WatchEnd>((resolve) => {
    resolveDone = resolve;
  });

  const finish = (end: WatchEnd): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    controller.abort();
    const final: WatchEnd = requested ? { reason: requested, resourceVersion } : end;
    resolveDone(final);
    onDone?.(final);
  };
  const endWith = (reason: "idle" | "stopped"): void => {
    if (finished || requested) return;
    requested = reason;
    controller.abort();
  };
  const resetIdle = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => endWith("idle"), options.idleTimeoutMs ?? 90_000);
    timer.unref();
  };

  /** Handles one JSON line; false once the watch is finished (an ERROR event, bad JSON or a throwing onEvent). */
  const handleLine = (line: string): boolean => {
    const parsed = parseWatchLine(line);
    switch (parsed.kind) {
      case "blank":
        return true;
      case "malformed":
        finish({ reason: "error", resourceVersion, error: parsed.error });
        return false;
      case "gone":
        finish({ reason: "gone", resourceVersion });
        return false;
      case "failed":
        finish({
          reason: "error",
          resourceVersion,
          error: errorFromResponse(label, parsed.code, parsed.status),
        });
        return false;
      case "event":
        return deliver(parsed.event);
    }
  };
  /** Passes an event on; false (and the watch finished) when `onEvent` throws. */
  const deliver = (event: WatchEvent): boolean => {
    resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
    try {
      onEvent(event);
    } catch (err) {
      finish({
        reason: "error",
        resourceVersion,
        error: err instanceof Error ? err : new Error(String(err)),
      });
      return false;
    }
    return true;
  };

  const run = async (): Promise<void> => {
    resetIdle();
    const query = {
      watch: true,
      allowWatchBookmarks: true,
      resourceVersion: options.resourceVersion,
      timeoutSeconds: options.timeoutSeconds ?? 300,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    };
    const path = resourcePath(info, { namespace: options.namespace });
    const res = await http.stream(path, query, controller.signal, label);
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      const status = parseJson<KubeStatusBody>(text);
      if (res.statusCode === 410) return finish({ reason: "gone", resourceVersion });
      return finish({
        reason: "error",
        resourceVersion,
        error: errorFromResponse(label, res.statusCode, status),
      });
    }
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      resetIdle();
      const { lines, rest } = splitLines(buffer + decoder.decode(chunk as Uint8Array, { stream: true }));
      buffer = rest;
      for (const line of lines) if (!handleLine(line)) return;
    }
    finish({ reason: "closed", resourceVersion });
  };

  run().catch((err: unknown) => {
    const error = err instanceof KubeError ? err : errorFromTransport(label, err);
    finish({ reason: "error", resourceVersion, error });
  });
  return { stop: () => endWith("stopped"), done };
}

function parseJson<T>(text: string): T | undefined {
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}
