/**
 * The deployment's event flow, played in-process and sped up, for tests and benchmarks with several registered
 * clusters: forwarder windows every 15 s, admit and requeue as their sources deliver, and several reconcile
 * invocations at once on the FIFO queue (Lambda scales a FIFO source by message group).
 */
import type { SQSRecord } from "aws-lambda";
import { lambdaContext } from "../../../../packages/functions/test/context.ts";
import { sleep } from "../../../e2e/support/testbed.ts";
import type { AwsTestbed } from "./awsTestbed.ts";
import { type Handler, pollQueue, pollRuleTarget } from "./lambda.ts";

/** The handlers the flow calls. */
export type FleetHandlers = Record<"admit" | "reconcile" | "requeue" | "forwarder", Handler>;

/** Loads the handlers (after the testbed has set their environment). */
export async function loadFleetHandlers(): Promise<FleetHandlers & { status: Handler }> {
  const load = async (name: string) =>
    ((await import(`../../../../packages/functions/src/${name}.ts`)) as { handler: Handler }).handler;
  return {
    admit: await load("admit"),
    reconcile: await load("reconcile"),
    requeue: await load("requeue"),
    forwarder: await load("forwarder"),
    status: await load("status"),
  };
}

/** Options of {@link runFleet}. */
export interface FleetOptions {
  /** Reconcile invocations at once. @default 2 */
  reconcilers?: number;
  /** Run forwarder windows (the source of hints from watches). @default true */
  forwarder?: boolean;
  /** Sees every reconcile batch and the ids the handler reported failed. */
  onBatch?: (batch: { records: SQSRecord[]; failed: ReadonlySet<string> }) => void;
  /** Leave failed records with the handler's backoff (Lambda's behaviour) instead of retrying them after 1 s. */
  keepHandlerVisibility?: boolean;
}

/** Runs the flow until `until` holds or `timeoutMs` passed; true when `until` held. */
export async function runFleet(
  aws: AwsTestbed,
  fn: FleetHandlers,
  until: () => Promise<boolean>,
  timeoutMs: number,
  options: FleetOptions = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  let reached = false;
  const poll = { keepHandlerVisibility: options.keepHandlerVisibility === true, onBatch: options.onBatch };
  const reconciler = async () => {
    while (!done && Date.now() < deadline)
      if ((await pollQueue(aws.sqs, aws.reconcileQueue, fn.reconcile, "reconcile", poll)) === 0)
        await sleep(100);
  };
  const driver = async () => {
    const windows: Array<Promise<unknown>> = [];
    let nextWindow = 0;
    while (!done && Date.now() < deadline) {
      if (options.forwarder !== false && Date.now() >= nextWindow) {
        const context = lambdaContext("forwarder", 60_000);
        windows.push(fn.forwarder({ shard: 0, shards: 1 } as never, context as never));
        nextWindow = Date.now() + 15_000;
      }
      const moved =
        (await pollRuleTarget(aws.sqs, aws.inboxes.reconcileHints, fn.admit, "admit")) +
        (await pollQueue(aws.sqs, aws.delayQueue, fn.requeue, "requeue"));
      reached = await until();
      if (moved === 0 && !reached) await sleep(100);
      done = reached;
    }
    done = true;
    await Promise.allSettled(windows);
  };
  const reconcilers = Array.from({ length: options.reconcilers ?? 2 }, reconciler);
  await Promise.all([driver(), ...reconcilers]);
  return reached;
}
