/**
 * `plan --live`: one reconcile pass planned against the live cluster, printed as the writes it would make. Only a
 * read-only view of the gateway and of the EMQX API is ever built here (see runtime's `planLive`).
 */
import { KubeGateway, type KubeObject } from "@emqx-reconciler/adapters";
import type { FieldChange } from "@emqx-reconciler/core";
import {
  createEmqxApiFactory,
  type LivePlanReport,
  type LivePlanTarget,
  planLive,
  readOnlyEmqxApi,
  readOnlyKube,
  silentLogger,
  systemClock,
} from "@emqx-reconciler/runtime";
import { parse } from "yaml";
import { CliError, type CommandArgs } from "./command.ts";
import { resolveKubeConfig } from "./kubeTarget.ts";

/** Exit codes of `plan --live`: nothing to write, or writes pending (errors exit 1). */
export const LIVE_EXIT = { converged: 0, pending: 2 } as const;

/** Longest value printed in a field change; longer ones are cut (config texts, long strings). */
const MAX_VALUE_CHARS = 120;

const SIGNS: Record<string, string> = { create: "+", update: "~", delete: "-", scale: "~" };

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : text;
}

function fieldLine(f: FieldChange): string {
  if (!("before" in f) && !("after" in f)) return `    ${f.path}`;
  return `    ${f.path}: ${show(f.before)} → ${show(f.after)}`;
}

/** The report as text: one block per object, then EMQX requests, then the status fields. */
export function formatLivePlan(report: LivePlanReport): string {
  const id = `${report.namespace}/${report.name}`;
  if (report.converged) return `${id}: converged, a reconcile now writes nothing\n`;
  const lines = [`${id}: changes pending`];
  for (const o of report.objects) {
    lines.push(`${SIGNS[o.action] ?? "~"} ${o.action} ${o.kind} ${o.name}`, ...o.fields.map(fieldLine));
  }
  for (const request of report.emqx) lines.push(`~ EMQX API ${request}`);
  if (report.status.length > 0) lines.push("~ update EMQX status", ...report.status.map(fieldLine));
  return `${lines.join("\n")}\n`;
}

function parseName(value: string): { namespace: string; name: string } {
  const [namespace, name, ...rest] = value.split("/");
  if (!namespace || !name || rest.length > 0)
    throw new CliError(`plan: --name must be <namespace>/<name>, got '${value}'`, { exitCode: 2 });
  return { namespace, name };
}

function crFromText(text: string, file: string): KubeObject {
  const doc = parse(text) as KubeObject | null;
  if (doc?.kind !== "EMQX" || !doc.metadata?.name)
    throw new CliError(`plan: ${file}: expected one EMQX object with metadata.name`);
  return { ...doc, metadata: { ...doc.metadata, namespace: doc.metadata.namespace ?? "default" } };
}

/**
 * Runs `plan --live` and prints the report (`json`: the report object; otherwise text); resolves to the exit
 * code: 0 converged, 2 changes pending.
 */
export async function runLivePlan(
  args: CommandArgs,
  fileText: string | undefined,
  file: string,
): Promise<number> {
  const named = typeof args.values.name === "string" ? parseName(args.values.name) : undefined;
  if (!named && fileText === undefined)
    throw new CliError("plan: --live needs -f <cr.yaml> or --name <namespace>/<name>", { exitCode: 2 });
  const target = await resolveKubeConfig(args, "plan");
  const gateway = new KubeGateway({ kubeConfig: target.kubeConfig });
  try {
    const kube = readOnlyKube(gateway);
    let planned: LivePlanTarget;
    if (named) {
      if (!(await kube.getEmqx(named.namespace, named.name)))
        throw new CliError(`plan: EMQX ${named.namespace}/${named.name} not found in ${target.title}`);
      planned = named;
    } else {
      const cr = crFromText(fileText ?? "", file);
      planned = { namespace: cr.metadata?.namespace ?? "default", name: cr.metadata?.name ?? "", file: cr };
    }
    const emqxApi = readOnlyEmqxApi(createEmqxApiFactory({ kube }));
    const report = await planLive({ kube, emqxApi, clock: systemClock, logger: silentLogger }, planned);
    process.stdout.write(
      args.values.output === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatLivePlan(report),
    );
    return report.converged ? LIVE_EXIT.converged : LIVE_EXIT.pending;
  } finally {
    await gateway.close();
  }
}
