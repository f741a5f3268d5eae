/**
 * Carrying out one chaos op on the sandbox, as a user or an outage would: `kubectl patch` / `kubectl delete`,
 * the emulator's fault switches, SIGKILL of the reconciler, a restart of kube-apiserver. Nothing waits for
 * readiness. Resolves to a note on what the op hit (the object a `delete` picked, say).
 */
import type { KubeGateway, KubeObject, OwnedKind } from "@emqx-reconciler/adapters";
import type { Sandbox } from "@emqx-reconciler/sandbox";
import type { EmulatorAdmin, FaultTarget } from "@emqx-reconciler/sandbox/emulator";
import { editPatch } from "./cr.ts";
import type { ChaosOp, Edit } from "./ops.ts";
import type { ReconcilerProcess } from "./reconcilerProcess.ts";

/** What an op acts on. */
export interface OpContext {
  sandbox: Sandbox;
  observer: KubeGateway;
  emulator: EmulatorAdmin;
  reconciler: ReconcilerProcess;
  namespace: string;
  name: string;
  /** Fault switches set since the last quiet period, to clear then. */
  faults: FaultTarget[];
  /** Restarts kube-apiserver and resolves once it serves; absent where the apiserver is shared. */
  restartApiserver?: () => Promise<void>;
}

async function kubectl(ctx: OpContext, args: string[]): Promise<void> {
  const result = await ctx.sandbox.kubectl([...args, "-n", ctx.namespace]);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr.trim()}`);
}

function patch(ctx: OpContext, edit: Edit): Promise<void> {
  return kubectl(ctx, ["patch", "emqx", ctx.name, "--type=merge", "-p", JSON.stringify(editPatch(edit))]);
}

/** The live objects of a kind, by name, deleted ones left out. */
async function liveOwned(ctx: OpContext, kind: OwnedKind): Promise<KubeObject[]> {
  const all = (await ctx.observer.listOwned(kind, ctx.namespace, ctx.name)) as KubeObject[];
  return all
    .filter((o) => !o.metadata?.deletionTimestamp)
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
}

async function deleteChild(ctx: OpContext, op: Extract<ChaosOp, { kind: "delete" }>): Promise<string> {
  const [kind, which] = op.target.split("/") as [OwnedKind, string | undefined];
  // Every child of a fixed name is `<cr>-<suffix>` (see `childNames`): `chaos-headless`, `chaos-node-cookie`, …
  let name = which === undefined ? undefined : `${ctx.name}-${which}`;
  if (which === undefined) {
    const live = await liveOwned(ctx, kind);
    name = live[op.pick % Math.max(1, live.length)]?.metadata?.name;
  }
  if (!name) return `no ${kind} to delete`;
  await kubectl(ctx, ["delete", kind.toLowerCase(), name, "--wait=false", "--ignore-not-found"]);
  return `deleted ${kind}/${name}`;
}

async function fault(ctx: OpContext, op: Extract<ChaosOp, { kind: "fault" }>): Promise<string> {
  let target: FaultTarget = { namespace: ctx.namespace, name: ctx.name };
  if (op.onePod) {
    const [pod] = await liveOwned(ctx, "Pod");
    if (pod) target = { pod: `${ctx.namespace}/${pod.metadata?.name}` };
  }
  await ctx.emulator.setFault(target, op.fault);
  ctx.faults.push(target);
  return "pod" in target ? `on ${target.pod}` : "on the cluster";
}

/** Carries out `op` (not `quiet`, which the session handles). */
export async function applyOp(ctx: OpContext, op: ChaosOp): Promise<string> {
  switch (op.kind) {
    case "scale":
    case "image":
    case "config":
      await patch(ctx, op);
      return "";
    case "burst":
      for (const edit of op.edits) await patch(ctx, edit);
      return "";
    case "duplicate":
      await patch(ctx, op.edit);
      await patch(ctx, op.edit);
      return "";
    case "delete":
      return deleteChild(ctx, op);
    case "fault":
      return fault(ctx, op);
    case "kill":
      return (await ctx.reconciler.kill(op.afterWrite)) ? "killed right after a write" : "killed";
    case "apiserver-restart":
      if (!ctx.restartApiserver) throw new Error("this run cannot restart the shared kube-apiserver");
      await ctx.restartApiserver();
      return "kube-apiserver serving again";
    case "quiet":
      return "";
  }
}

/** Clears the fault switches the ops set. */
export async function clearFaults(ctx: OpContext): Promise<void> {
  for (const target of ctx.faults.splice(0)) await ctx.emulator.setFault(target, "none");
}
