/**
 * Runtime configuration updates (the operator's syncConfig), driven by the CR annotation
 * `apps.emqx.io/last-emqx-configuration` that remembers the `config.data` last pushed to EMQX.
 *
 * The operator stores the whole text there. We store `sha256:<hex>` of it instead: Kubernetes caps all annotations
 * of one object at 256 KiB together, so a copy of a 256–512 KiB config made every annotation patch fail with 422,
 * and the copy was a second plaintext home for the license key or cookie. Both forms are read, so a CR the operator
 * served is taken over without a push when its config did not change (its text annotation is replaced by the
 * digest); the operator, handed back a CR with a digest, sees a difference and pushes the same config once.
 */
import { createHash } from "node:crypto";
import { ANNOTATION_LAST_CONFIG, type Emqx, EventReason } from "@emqx-reconciler/api";
import { mergedConfig } from "../hocon/emqxConf.ts";
import type { ConfigPush, PlannedEvent } from "./types.ts";

/** What syncConfig does this pass. */
export interface ConfigDecision {
  configPush?: ConfigPush;
  crAnnotations?: Record<string, string>;
  events: PlannedEvent[];
}

const DIGEST_PREFIX = "sha256:";

/**
 * The annotation value we write for `data`: its SHA-256 over the UTF-8 bytes, hex-encoded, after `sha256:`.
 *
 * @example configDigest("") // "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 */
export function configDigest(data: string): string {
  return `${DIGEST_PREFIX}${createHash("sha256").update(data, "utf8").digest("hex")}`;
}

/** True when the annotation (our digest, or the operator's plain text) records exactly `data`. */
export function configRecorded(annotation: string, data: string): boolean {
  return annotation.startsWith(DIGEST_PREFIX) ? annotation === configDigest(data) : annotation === data;
}

/**
 * - No annotation yet: record the current `config.data` (the pods boot from the ConfigMap, which already has it).
 * - Annotation records the current data: nothing, except that the operator's plain-text form is replaced by the
 *   digest (no push: EMQX already runs that config).
 * - Annotation differs and the cores are ready and the API answers: push the merged config with the spec's mode,
 *   then record it. The workflow writes the annotation only after the push succeeded, so a failed push is retried.
 *
 * The ConfigMap itself is applied on every pass, whatever this decides (the operator left it stale until the cores
 * were ready, #1134), and a config change never touches the pod template, so it never starts a blue-green update.
 * EMQX < 5.7 rejects updates of read-only roots (`node`, `cluster`, `dashboard`, `rpc`); we rely on
 * `ignore_readonly=true` instead of re-serialising a stripped config as the operator does.
 */
export function planConfig(emqx: Emqx, coreNodesReady: boolean, apiOk: boolean): ConfigDecision {
  const data = emqx.spec.config?.data ?? "";
  const record = { [ANNOTATION_LAST_CONFIG]: configDigest(data) };
  const last = emqx.metadata.annotations?.[ANNOTATION_LAST_CONFIG];
  if (last === undefined) return { crAnnotations: record, events: [] };
  if (configRecorded(last, data))
    return last === record[ANNOTATION_LAST_CONFIG] ? { events: [] } : { crAnnotations: record, events: [] };
  if (!coreNodesReady || !apiOk) return { events: [] };
  const mode = emqx.spec.config?.mode === "Replace" ? "replace" : "merge";
  return {
    configPush: { mode, body: mergedConfig(data) },
    crAnnotations: record,
    events: [
      {
        type: "Normal",
        reason: EventReason.ConfigUpdated,
        message: `Pushed the changed spec.config.data to the EMQX cluster (mode ${mode})`,
      },
    ],
  };
}
