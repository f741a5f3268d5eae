/**
 * The chaos suite's operations and their seeded generator. The op list is a pure function of the seed and the
 * options, so `--seed N` (or a saved op log) replays a run exactly: which op, when, and which object it picks
 * (`pick` chooses among the live objects of a kind, sorted by name, when the op runs).
 */
import { Rand } from "../e2e/support/randomCr.ts";

/** Images an `image` op switches between: every change is a blue-green update. */
export const CHAOS_IMAGES = ["emqx/emqx:6.0.1", "emqx/emqx:6.0.2", "emqx/emqx:6.1.0"] as const;

/** Values of the one `config.data` key that `config` ops change (pushed to EMQX, no new pods). */
export const CHAOS_LOG_LEVELS = ["debug", "info", "notice", "warning", "error"] as const;

/** EMQX API faults a `fault` op switches on; every fault is cleared when the next quiet period starts. */
export const CHAOS_FAULTS = ["unauthorized", "server-error", "hang", "garbage"] as const;

/** Children a `delete` op can remove: by fixed name, or one of the live objects of a kind. */
export const DELETABLE = [
  "StatefulSet",
  "ReplicaSet",
  "Pod",
  "Service/headless",
  "Service/dashboard",
  "Service/listeners",
  "ConfigMap/configs",
  "Secret/bootstrap-api-key",
  "Secret/node-cookie",
  "Secret/reconciler-state",
  "PodDisruptionBudget/core",
  "PodDisruptionBudget/replicant",
] as const;

/** One spec edit: what a `kubectl patch` of the CR changes. */
export type Edit =
  | { readonly kind: "scale"; readonly role: "core" | "replicant"; readonly replicas: number }
  | { readonly kind: "image"; readonly image: string }
  | { readonly kind: "config"; readonly level: string };

/** One chaos operation. `gapMs` is the pause after it, before the next op (0 within a burst). */
export type ChaosOp = { readonly gapMs: number } & (
  | Edit
  | { readonly kind: "burst"; readonly edits: readonly Edit[] }
  | { readonly kind: "duplicate"; readonly edit: Edit }
  | { readonly kind: "delete"; readonly target: (typeof DELETABLE)[number]; readonly pick: number }
  | { readonly kind: "fault"; readonly fault: (typeof CHAOS_FAULTS)[number]; readonly onePod: boolean }
  | { readonly kind: "kill"; readonly afterWrite: boolean }
  | { readonly kind: "apiserver-restart" }
  | { readonly kind: "quiet" }
);

/** What the generator may produce. */
export interface GenerateOptions {
  /** Operations, quiet periods not counted. */
  readonly count: number;
  /** Include `apiserver-restart` (it needs a sandbox of its own: every client of the apiserver sees it). */
  readonly apiserverRestart: boolean;
  /** Spec edits and faults between two quiet periods, at most. @default 6 */
  readonly maxBetweenQuiet?: number;
}

/** Core and replicant bounds of `scale` ops. */
export const SCALE_BOUNDS = { core: [1, 5], replicant: [0, 8] } as const;

function edit(r: Rand): Edit {
  const roll = r.next();
  if (roll < 0.6) {
    const role = r.chance(0.45) ? "core" : "replicant";
    const [min, max] = SCALE_BOUNDS[role];
    return { kind: "scale", role, replicas: r.int(min, max) };
  }
  if (roll < 0.8) return { kind: "image", image: r.pick(CHAOS_IMAGES) };
  return { kind: "config", level: r.pick(CHAOS_LOG_LEVELS) };
}

/** A pause of 1–5 s, as the issue asks: ops land without waiting for readiness. */
const gap = (r: Rand) => r.int(1_000, 5_000);

function oneOp(r: Rand, options: GenerateOptions): ChaosOp[] {
  const roll = r.next();
  if (roll < 0.42) {
    const e = edit(r);
    // A kill right after a blue-green update or a scale-down starts lands mid-update or mid-scale-down.
    const killAfter = (e.kind === "image" || (e.kind === "scale" && e.replicas <= 2)) && r.chance(0.35);
    return killAfter
      ? [
          { ...e, gapMs: 0 },
          { kind: "kill", afterWrite: true, gapMs: gap(r) },
        ]
      : [{ ...e, gapMs: gap(r) }];
  }
  if (roll < 0.5)
    return [{ kind: "burst", edits: Array.from({ length: r.int(2, 4) }, () => edit(r)), gapMs: gap(r) }];
  if (roll < 0.55) return [{ kind: "duplicate", edit: edit(r), gapMs: gap(r) }];
  if (roll < 0.75) return [{ kind: "delete", target: r.pick(DELETABLE), pick: r.int(0, 99), gapMs: gap(r) }];
  if (roll < 0.86)
    return [{ kind: "fault", fault: r.pick(CHAOS_FAULTS), onePod: r.chance(0.3), gapMs: gap(r) }];
  if (roll < 0.95 || !options.apiserverRestart)
    return [{ kind: "kill", afterWrite: r.chance(0.7), gapMs: gap(r) }];
  return [{ kind: "apiserver-restart", gapMs: gap(r) }];
}

/**
 * Deleting two of the credential Secrets before the reconciler restored the first is a deliberate rotation (new
 * values, pods answer 401 until restarted), not chaos: one Secret deletion per quiet period at most.
 */
function isSecretDelete(op: ChaosOp): op is Extract<ChaosOp, { kind: "delete" }> {
  return op.kind === "delete" && op.target.startsWith("Secret/");
}

/**
 * The op list of a seed: `count` operations with a quiet period (wait until converged, check the invariants)
 * after every 2–`maxBetweenQuiet` of them and at the end.
 */
export function generateOps(seed: number, options: GenerateOptions): ChaosOp[] {
  const r = new Rand(seed);
  const ops: ChaosOp[] = [];
  const max = options.maxBetweenQuiet ?? 6;
  let done = 0;
  while (done < options.count) {
    const batch = Math.min(r.int(2, max), options.count - done);
    let secretDeleted = false;
    for (let i = 0; i < batch; ) {
      const produced = oneOp(r, options)
        .slice(0, batch - i)
        .map((op) => (secretDeleted && isSecretDelete(op) ? { ...op, target: "Pod" as const } : op));
      secretDeleted ||= produced.some(isSecretDelete);
      ops.push(...produced);
      i += produced.length;
    }
    done += batch;
    ops.push({ kind: "quiet", gapMs: 0 });
  }
  return ops;
}

function editText(e: Edit): string {
  if (e.kind === "scale") return `${e.role}s → ${e.replicas}`;
  if (e.kind === "image") return `image → ${e.image}`;
  return `config log level → ${e.level}`;
}

/** One op as a line of the op log. */
export function describeOp(op: ChaosOp): string {
  switch (op.kind) {
    case "scale":
    case "image":
    case "config":
      return editText(op);
    case "burst":
      return `burst: ${op.edits.map(editText).join(", ")}`;
    case "duplicate":
      return `twice: ${editText(op.edit)}`;
    case "delete":
      return `delete ${op.target} (pick ${op.pick})`;
    case "fault":
      return `EMQX API fault ${op.fault} on ${op.onePod ? "one pod" : "every pod"}`;
    case "kill":
      return `kill -9 the reconciler${op.afterWrite ? " after its next write" : ""}`;
    case "apiserver-restart":
      return "restart kube-apiserver";
    case "quiet":
      return "quiet: wait until converged, check invariants";
  }
}
