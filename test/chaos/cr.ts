/**
 * The CR the chaos suite drives, seeded with canary secrets (a bootstrap API key's secret, the node cookie and a
 * license key in `config.data`), and the merge patch of each spec edit. Blue-green updates are tuned to move
 * at once (no initial delay, no takeover wait) so a quiet period measures the reconciler, not the timers.
 */
import type { Edit } from "./ops.ts";

/** Values that must never appear in logs, Events, status or annotations. */
export const CHAOS_CANARIES = {
  apiSecret: "chaoscanaryapisecret7d1e",
  cookie: "chaoscanarycookie90b3",
  license: "chaoscanarylicense2f6c",
} as const;

/** The CR's name. */
export const CHAOS_CR_NAME = "chaos";

/** The text of `config.data` with the log level an edit chose. */
export function chaosConfig(level: string): string {
  return [
    `license { key = "${CHAOS_CANARIES.license}" }`,
    `node.cookie = "${CHAOS_CANARIES.cookie}"`,
    `log.console.level = ${level}`,
    "",
  ].join("\n");
}

/** The first version of the CR: 2 cores, 2 replicants, the first image. */
export function chaosCr(): object {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: CHAOS_CR_NAME },
    spec: {
      image: "emqx/emqx:6.0.1",
      revisionHistoryLimit: 2,
      bootstrapAPIKeys: [{ key: "chaos", secret: CHAOS_CANARIES.apiSecret }],
      config: { data: chaosConfig("warning") },
      updateStrategy: {
        type: "Recreate",
        initialDelaySeconds: 0,
        evacuationStrategy: { waitTakeover: 0, connEvictRate: 1000, sessEvictRate: 1000 },
      },
      coreTemplate: { spec: { replicas: 2 } },
      replicantTemplate: { spec: { replicas: 2 } },
    },
  };
}

/** The merge patch of one edit. */
export function editPatch(edit: Edit): object {
  switch (edit.kind) {
    case "scale":
      return {
        spec: {
          [edit.role === "core" ? "coreTemplate" : "replicantTemplate"]: {
            spec: { replicas: edit.replicas },
          },
        },
      };
    case "image":
      return { spec: { image: edit.image } };
    case "config":
      return { spec: { config: { data: chaosConfig(edit.level) } } };
  }
}
