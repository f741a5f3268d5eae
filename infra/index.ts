/** Every infra module; `sst.config.ts` returns `outputs`. */
import "./alarms.ts";
import "./busPolicy.ts";
import { bus } from "./bus.ts";
import { dashboard } from "./dashboard.ts";
import * as fns from "./functions.ts";
import { delayQueue, reconcileQueue } from "./queues.ts";
import { registryParameter } from "./registry.ts";
import "./subscriptions.ts";

export const outputs = {
  bus: bus.name,
  registryParameter: registryParameter.name,
  reconcileQueue: reconcileQueue.url,
  delayQueue: delayQueue.url,
  forwarderRole: fns.forwarder.nodes.role.arn,
  dashboard: dashboard.dashboardName,
  functions: Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, fn.name])),
};
