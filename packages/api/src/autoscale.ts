/**
 * Annotations that opt one EMQX CR into the built-in autoscaler. One target is required
 * (`autoscale.apps.emqx.io/target-connections-per-replicant` and / or
 * `autoscale.apps.emqx.io/target-messages-per-second-per-replicant`); the others have defaults. Durations are
 * `500ms`, `30s`, `5m`, `1h` or a bare number of seconds.
 *
 * @example
 * metadata:
 *   annotations:
 *     autoscale.apps.emqx.io/target-connections-per-replicant: "5000"
 *     autoscale.apps.emqx.io/min: "2"
 *     autoscale.apps.emqx.io/max: "10"
 *     autoscale.apps.emqx.io/step: "3"
 *     autoscale.apps.emqx.io/scale-up-window: "1m"
 *     autoscale.apps.emqx.io/scale-down-window: "5m"
 *     autoscale.apps.emqx.io/cooldown: "2m"
 *     autoscale.apps.emqx.io/rebalance-after-scale-up: "true"
 */
export const ANNOTATION_AUTOSCALE = {
  /** Live connections one replicant should hold; the autoscaler is off without this or the messages target. */
  targetConnectionsPerReplicant: "autoscale.apps.emqx.io/target-connections-per-replicant",
  /**
   * Messages per second (received by the cluster, `received_msg_rate` of `/api/v5/monitor_current`) one
   * replicant should take; with both targets the one asking for more replicants wins.
   */
  targetMessagesPerSecondPerReplicant: "autoscale.apps.emqx.io/target-messages-per-second-per-replicant",
  /** Fewest replicants the autoscaler keeps (default 1). */
  min: "autoscale.apps.emqx.io/min",
  /** Most replicants the autoscaler asks for (default the reconciler's replica limit). */
  max: "autoscale.apps.emqx.io/max",
  /** Most replicants one decision adds or removes (default 1). */
  step: "autoscale.apps.emqx.io/step",
  /** How long the load must ask for more replicants before a scale-up (default 60s). */
  scaleUpWindow: "autoscale.apps.emqx.io/scale-up-window",
  /** How long the load must ask for fewer replicants before a scale-down (default 300s). */
  scaleDownWindow: "autoscale.apps.emqx.io/scale-down-window",
  /** Quiet time after any decision (default 120s). */
  cooldown: "autoscale.apps.emqx.io/cooldown",
  /**
   * `"true"`: after a scale-up is Ready, the autoscaler creates a `Rebalance` (EMQX Enterprise only) that moves
   * existing clients onto the new replicants (default `"false"`).
   */
  rebalanceAfterScaleUp: "autoscale.apps.emqx.io/rebalance-after-scale-up",
  /** Written by the autoscaler: its last decision as JSON `{"at","from","to"}`, so windows survive restarts. */
  lastDecision: "autoscale.apps.emqx.io/last-decision",
} as const;

/** Label on the Rebalances the autoscaler creates: the name of the EMQX CR they were made for. */
export const LABEL_AUTOSCALE_REBALANCE_FOR = "autoscale.apps.emqx.io/rebalance-for";
