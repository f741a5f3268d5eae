/**
 * `run --events-to <file|url>`: every `LifecycleEvent` and `StatusTransition` the embedded bus carries, as its
 * EventBridge envelope — one JSON line appended to a file, or one HTTP POST (`content-type: application/json`) per
 * event to an `http(s)://` URL. A POST that fails or answers non-2xx is thrown, so the bus delivers it again
 * (3 attempts with backoff), then gives up and counts it; the reconcile never waits on a subscriber.
 */
import { resolve } from "node:path";
import { busPatterns, EventSource, LIFECYCLE_DETAIL_TYPE } from "@emqx-reconciler/api";
import type { BusEvent, EmbeddedBus } from "@emqx-reconciler/runtime";

/** The pattern of the events sent out. */
export const EVENTS_OUT_PATTERN = {
  source: [EventSource.Status],
  "detail-type": [LIFECYCLE_DETAIL_TYPE, ...busPatterns.statusTransitions["detail-type"]],
};

/** Where events go: a URL when it starts with `http://` or `https://`, else a file path. */
export function eventsTarget(to: string): (event: BusEvent) => Promise<void> {
  if (/^https?:\/\//.test(to)) {
    const url = new URL(to);
    return async (event) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`POST ${url.origin}${url.pathname} answered ${res.status}`);
    };
  }
  const path = resolve(to);
  // Loaded only for a file target: `node:fs/promises` brings Node's readline and stream modules with it.
  const { appendFile } = process.getBuiltinModule("node:fs/promises");
  return (event) => appendFile(path, `${JSON.stringify(event)}\n`);
}

/**
 * Adds the `events-out` rule to a bus.
 *
 * @example routeEventsOut(runtime.bus, "http://127.0.0.1:9000/hooks/emqx");
 */
export function routeEventsOut(bus: Pick<EmbeddedBus, "addRule">, to: string): void {
  bus.addRule({ name: "events-out", pattern: EVENTS_OUT_PATTERN, target: eventsTarget(to) });
}
