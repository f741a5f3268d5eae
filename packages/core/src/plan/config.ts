/**
 * Runtime configuration updates (reference §3.3 step 8, syncConfig), driven by the CR annotation
 * `apps.emqx.io/last-emqx-configuration` that remembers the `config.data` last pushed to EMQX.
 */
import { ANNOTATION_LAST_CONFIG, type Emqx, EventReason } from "@emqx-reconciler/api";
import { mergedConfig } from "../hocon/emqxConf.ts";
import type { ConfigPush, PlannedEvent } from "./types.ts";

/** What syncConfig does this pass. */
export interface ConfigDecision {
  configPush?: ConfigPush;
  crAnnotations?: Record<string, string>;
  events: PlannedEvent[];
}

/**
 * - No annotation yet: record the current `config.data` (the pods boot from the ConfigMap, which already has it).
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
  const last = emqx.metadata.annotations?.[ANNOTATION_LAST_CONFIG];
  if (last === undefined) return { crAnnotations: { [ANNOTATION_LAST_CONFIG]: data }, events: [] };
  if (last === data || !coreNodesReady || !apiOk) return { events: [] };
  const mode = emqx.spec.config?.mode === "Replace" ? "replace" : "merge";
  return {
    configPush: { mode, body: mergedConfig(data) },
    crAnnotations: { [ANNOTATION_LAST_CONFIG]: data },
    events: [
      {
        type: "Normal",
        reason: EventReason.ConfigUpdated,
        message: `Pushed the changed spec.config.data to the EMQX cluster (mode ${mode})`,
      },
    ],
  };
}
