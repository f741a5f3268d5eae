/**
 * Node evacuation as a pure function of time: EMQX walks `waiting_health_check` → `evicting_conns` →
 * `waiting_takeover` → `evicting_sessions` → `prohibiting`. The emulator keeps
 * only the start parameters and derives the state and counters from the clock, so nothing needs a timer.
 */

/** Start parameters of one evacuation, as validated from the request body. */
export interface EvacuationRequest {
  readonly connEvictRate: number;
  readonly sessEvictRate: number;
  readonly waitTakeoverS: number;
  readonly waitHealthCheckS: number;
  readonly migrateTo: readonly string[];
}

/** A running evacuation. */
export interface Evacuation extends EvacuationRequest {
  readonly startedAt: number;
  readonly initialConnected: number;
  readonly initialSessions: number;
}

/** The evacuation states EMQX reports, in order. */
export type EvacuationState =
  | "waiting_health_check"
  | "evicting_conns"
  | "waiting_takeover"
  | "evicting_sessions"
  | "prohibiting";

/** Where an evacuation stands at one instant. */
export interface EvacuationProgress {
  readonly state: EvacuationState;
  readonly currentConnected: number;
  readonly currentSessions: number;
}

/** EMQX defaults (`emqx_node_rebalance.hrl`). */
export const EVACUATION_DEFAULTS = {
  connEvictRate: 500,
  sessEvictRate: 500,
  waitTakeoverS: 60,
  waitHealthCheckS: 60,
};

/** Computes the state and remaining counts of `ev` at `now` (epoch ms). */
export function computeEvacuationProgress(ev: Evacuation, now: number): EvacuationProgress {
  const t = now - ev.startedAt;
  const healthEnd = ev.waitHealthCheckS * 1000;
  if (t < healthEnd) return progress("waiting_health_check", ev.initialConnected, ev.initialSessions);
  const connEnd = healthEnd + Math.ceil(ev.initialConnected / ev.connEvictRate) * 1000;
  if (t < connEnd) {
    const evicted = Math.floor(((t - healthEnd) / 1000) * ev.connEvictRate);
    return progress("evicting_conns", Math.max(0, ev.initialConnected - evicted), ev.initialSessions);
  }
  const takeoverEnd = connEnd + ev.waitTakeoverS * 1000;
  if (t < takeoverEnd) return progress("waiting_takeover", 0, ev.initialSessions);
  const sessEnd = takeoverEnd + Math.ceil(ev.initialSessions / ev.sessEvictRate) * 1000;
  if (t < sessEnd) {
    const evicted = Math.floor(((t - takeoverEnd) / 1000) * ev.sessEvictRate);
    return progress("evicting_sessions", 0, Math.max(0, ev.initialSessions - evicted));
  }
  return progress("prohibiting", 0, 0);
}

function progress(
  state: EvacuationState,
  currentConnected: number,
  currentSessions: number,
): EvacuationProgress {
  return { state, currentConnected, currentSessions };
}

/** The body of one evacuation as `load_rebalance/status` shows it (without `status`/`process`/`node`). */
export function buildEvacuationView(ev: Evacuation, now: number): Record<string, unknown> {
  const p = computeEvacuationProgress(ev, now);
  return {
    state: p.state,
    connection_eviction_rate: ev.connEvictRate,
    session_eviction_rate: ev.sessEvictRate,
    connection_goal: 0,
    session_goal: 0,
    session_recipients: [...ev.migrateTo],
    stats: {
      initial_connected: ev.initialConnected,
      current_connected: p.currentConnected,
      initial_sessions: ev.initialSessions,
      current_sessions: p.currentSessions,
    },
  };
}
