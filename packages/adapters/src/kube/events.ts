import { createHash } from "node:crypto";
import { EVENT_SOURCE, isoSeconds, safeMessage } from "@emqx-reconciler/api";
import { isKubeError, KubeErrorKind } from "./errors.ts";
import type { KubeHttp } from "./KubeHttp.ts";
import { RESOURCES, resourcePath } from "./resources.ts";
import type { KubeEvent, KubeObjectInput } from "./types.ts";
import { ContentType, patchObject } from "./writes.ts";

/** An Event to record on a CR. `message` must not contain secrets (it is readable by anyone who can list Events). */
export interface EventInput {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** Longest message we store (the events.k8s.io limit; longer ones are cut). */
const MAX_MESSAGE = 1024;
/** Events remembered per process for count bumps without a read. */
const CACHE_SIZE = 2048;

/**
 * Records core/v1 Events on CRs, deduplicated the way `kubectl describe` shows them ("x5 over 3m"): the Event
 * name is derived from the CR's UID, type, reason and message, so a repeat (from this process or any other,
 * e.g. another Lambda) bumps `count` and `lastTimestamp` on the existing Event instead of adding a new one.
 */
export class EventRecorder {
  private readonly http: KubeHttp;
  private readonly now: () => Date;
  private readonly counts = new Map<string, number>();

  constructor(http: KubeHttp, now: () => Date) {
    this.http = http;
    this.now = now;
  }

  /** Records `event` on `cr`: one create, or one patch for a repeat this process has seen. */
  async record(cr: KubeObjectInput & { metadata?: { uid?: string } }, event: EventInput): Promise<void> {
    const namespace = cr.metadata?.namespace;
    const crName = cr.metadata?.name;
    const uid = cr.metadata?.uid;
    if (!namespace || !crName || !uid) throw new Error("recordEvent: the CR needs namespace, name and uid");
    const message = safeMessage(event.message, MAX_MESSAGE);
    const digest = createHash("sha256")
      .update(`${uid}\n${event.type}\n${event.reason}\n${message}`)
      .digest("hex");
    const name = `${crName.slice(0, 200)}.${digest.slice(0, 16)}`;
    const now = isoSeconds(this.now());
    const known = this.counts.get(name);
    if (known !== undefined && (await this.bump(namespace, name, known + 1, now))) return;
    const body = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: { apiVersion: cr.apiVersion, kind: cr.kind, name: crName, namespace, uid },
      type: event.type,
      reason: event.reason,
      message,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: EVENT_SOURCE },
      reportingComponent: EVENT_SOURCE,
      reportingInstance: EVENT_SOURCE,
    };
    try {
      await this.http.send({
        verb: "create",
        label: { verb: "CREATE", resource: "events", namespace, name },
        path: resourcePath(RESOURCES.Event, { namespace }),
        body,
      });
      this.remember(name, 1);
    } catch (err) {
      if (!(isKubeError(err, KubeErrorKind.Conflict) && err.reason === "AlreadyExists")) throw err;
      const existing = await this.http.send<KubeEvent>({
        verb: "get",
        label: { verb: "GET", resource: "events", namespace, name },
        path: resourcePath(RESOURCES.Event, { namespace, name }),
      });
      await this.bump(namespace, name, (existing.body.count ?? 1) + 1, now);
    }
  }

  /** Sets count and lastTimestamp; false when the Event is gone (expired by its TTL) and must be recreated. */
  private async bump(namespace: string, name: string, count: number, now: string): Promise<boolean> {
    try {
      await patchObject(this.http, {
        info: RESOURCES.Event,
        namespace,
        name,
        contentType: ContentType.MergePatch,
        patch: { count, lastTimestamp: now },
      });
      this.remember(name, count);
      return true;
    } catch (err) {
      if (!isKubeError(err, KubeErrorKind.NotFound)) throw err;
      this.counts.delete(name);
      return false;
    }
  }

  private remember(name: string, count: number): void {
    this.counts.delete(name);
    this.counts.set(name, count);
    if (this.counts.size > CACHE_SIZE) {
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
  }
}
