/**
 * The deployment's schedules and event sources, sped up, around the handlers run in-process: forwarder windows
 * every 15 s, status runs 5 s apart (each beside the deliveries, as a scheduled invocation is), and every rule inbox
 * and queue long-polled by a pump of its own meanwhile.
 */
import { lambdaContext } from "../../../../packages/functions/test/context.ts";
import { sleep } from "../../../e2e/support/testbed.ts";
import type { AwsTestbed } from "./awsTestbed.ts";
import { type Handler, pollQueue, pollRuleTarget } from "./lambda.ts";

/** Every handler of the functions package, by name. */
export type Handlers = Record<"admit" | "reconcile" | "requeue" | "status" | "forwarder" | "scale", Handler>;

/** Imports every handler (after the environment points at moto: the handlers read it at import). */
export async function loadHandlers(): Promise<Handlers> {
  const load = async (name: string) =>
    ((await import(`../../../../packages/functions/src/${name}.ts`)) as { handler: Handler }).handler;
  return {
    admit: await load("admit"),
    reconcile: await load("reconcile"),
    requeue: await load("requeue"),
    status: await load("status"),
    forwarder: await load("forwarder"),
    scale: await load("scale"),
  };
}

/** What a status run answers. */
type StatusAnswer = { clusters: number; failed: number };

/** How long a delivery pump long-polls its queue: also how long after the end the pumps take to stop. */
const LONG_POLL_SECONDS = 1;

/**
 * Runs the loop until `until` holds or `timeoutMs` passes; says when it held and what the status runs answered.
 * Each delivery path (the hint rule's target, the FIFO reconcile queue, the delay queue) is a pump of its own that
 * long-polls, as Lambda's event sources do, so a message is handled as soon as it is visible; `until` is checked
 * after every reconcile batch and every 100 ms besides.
 */
export async function runLoop(
  aws: AwsTestbed,
  fn: Handlers,
  until: () => Promise<boolean>,
  timeoutMs: number,
) {
  const windows: Array<Promise<unknown>> = [];
  const statusRuns: StatusAnswer[] = [];
  const statusInvocations: Array<Promise<unknown>> = [];
  let statusRunning = false;
  let nextWindow = 0;
  let nextStatus = Date.now() + 5_000;
  const deadline = Date.now() + timeoutMs;
  let done = false;
  let doneAt = Number.NaN;
  const check = async () => {
    if (done || !(await until()) || done) return;
    // Checks overlap (a reconcile batch, the timer): the first one that saw it held says when.
    done = true;
    doneAt = Date.now();
  };
  const running = () => !done && Date.now() < deadline;
  const pump = async (poll: () => Promise<number>, after?: () => Promise<void>) => {
    while (running()) if ((await poll()) > 0) await after?.();
  };
  const wait = LONG_POLL_SECONDS;
  const pumps = Promise.allSettled([
    pump(() => pollRuleTarget(aws.sqs, aws.inboxes.reconcileHints, fn.admit, "admit", wait)),
    pump(
      () => pollQueue(aws.sqs, aws.reconcileQueue, fn.reconcile, "reconcile", { waitSeconds: wait }),
      check,
    ),
    pump(() => pollQueue(aws.sqs, aws.delayQueue, fn.requeue, "requeue", { waitSeconds: wait })),
  ]);
  while (running()) {
    if (Date.now() >= nextWindow) {
      windows.push(
        fn.forwarder({ shard: 0, shards: 1 } as never, lambdaContext("forwarder", 40_000) as never),
      );
      nextWindow = Date.now() + 15_000;
      await sleep(500);
    }
    if (Date.now() >= nextStatus && !statusRunning) {
      // A scheduled run is its own invocation: deliveries go on while it works, as they do under Lambda.
      statusRunning = true;
      statusInvocations.push(
        (fn.status({} as never, lambdaContext("status") as never) as Promise<StatusAnswer>)
          .then((answer) => void statusRuns.push(answer))
          .finally(() => {
            statusRunning = false;
            nextStatus = Date.now() + 5_000;
          }),
      );
    }
    await check();
    if (!done) await sleep(100);
  }
  const failedPump = (await pumps).find((r) => r.status === "rejected");
  await Promise.allSettled(windows);
  // A status run that threw fails the loop, as it did when the loop awaited it.
  const failedStatus = (await Promise.allSettled(statusInvocations)).find((r) => r.status === "rejected");
  if (failedStatus) throw failedStatus.reason;
  if (failedPump) throw failedPump.reason;
  return { done, doneAt, statusRuns };
}
