/**
 * The body of the CLI verb `emqx-reconciler sandbox fault …`, kept here so the CLI only forwards arguments:
 *   fault <ns>/<name> <fault> [--delay-ms N]     one switch for every pod of an EMQX cluster
 *   fault pod:<ns>/<pod> <fault> [--delay-ms N]  one switch for one pod
 *   fault list | fault clear
 * where <fault> is unauthorized, server-error, hang, slow, garbage, truncated, node-stopped or none.
 */
import { EmulatorAdmin } from "./EmulatorAdmin.ts";
import { EmulatorError } from "./errors.ts";
import { FaultKind, type FaultTarget } from "./faults.ts";

/** Usage text of the verb. */
export const FAULT_USAGE = `usage: sandbox fault <ns>/<name> | pod:<ns>/<pod> <${Object.values(FaultKind).join("|")}> [--delay-ms N]
       sandbox fault list | clear`;

/** Runs the verb against the emulator at `adminUrl`; returns the text to print. Bad arguments throw. */
export async function faultCommand(adminUrl: string, args: readonly string[]): Promise<string> {
  const admin = new EmulatorAdmin(adminUrl);
  const [first, second, ...rest] = args;
  if (first === "list" && second === undefined) return formatFaults(await admin.faults());
  if (first === "clear" && second === undefined) {
    await admin.clearFaults();
    return "Cleared every fault.";
  }
  if (!first || !second) throw new EmulatorError(`missing arguments\n${FAULT_USAGE}`);
  const target = parseTarget(first);
  const fault = parseFault(second);
  const delayMs = parseDelay(rest);
  const faults = await admin.setFault(target, fault, delayMs);
  return formatFaults(faults);
}

function parseTarget(text: string): FaultTarget {
  const pod = /^pod:([a-z0-9-.]+\/[a-z0-9-.]+)$/.exec(text);
  if (pod) return { pod: pod[1] as string };
  const cluster = /^([a-z0-9-.]+)\/([a-z0-9-.]+)$/.exec(text);
  if (cluster) return { namespace: cluster[1] as string, name: cluster[2] as string };
  throw new EmulatorError(
    `target '${text}' must be <namespace>/<name> or pod:<namespace>/<pod>\n${FAULT_USAGE}`,
  );
}

function parseFault(text: string): FaultKind {
  const kinds: readonly string[] = Object.values(FaultKind);
  if (kinds.includes(text)) return text as FaultKind;
  throw new EmulatorError(`fault '${text}' must be one of ${kinds.join(", ")}`);
}

function parseDelay(rest: readonly string[]): number | undefined {
  if (rest.length === 0) return undefined;
  const [flag, value, ...extra] = rest;
  const ms = Number(value);
  if (flag !== "--delay-ms" || extra.length > 0 || !Number.isInteger(ms) || ms < 0) {
    throw new EmulatorError(`--delay-ms must be followed by a whole number of milliseconds\n${FAULT_USAGE}`);
  }
  return ms;
}

function formatFaults(faults: readonly { target: FaultTarget; fault: string; delayMs: number }[]): string {
  if (faults.length === 0) return "No faults set.";
  return faults
    .map((f) => {
      const target = "pod" in f.target ? `pod:${f.target.pod}` : `${f.target.namespace}/${f.target.name}`;
      return `${target}\t${f.fault}${f.fault === FaultKind.Slow ? `\t${f.delayMs}ms` : ""}`;
    })
    .join("\n");
}
