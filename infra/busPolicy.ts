/**
 * Who may put the events that make the reconciler act: the forwarder's role and `EMQX_HINT_PUBLISHERS` for
 * `ReconcileHint`, only `EMQX_SCALE_PUBLISHERS` for `ScaleRequest` (see busPolicyDocument.ts).
 */
import { bus } from "./bus.ts";
import { busPolicyDocument } from "./busPolicyDocument.ts";
import { forwarder } from "./functions.ts";
import { extraHintPublishers, scalePublishers } from "./settings.ts";

export const busPolicy = new aws.cloudwatch.EventBusPolicy("BusPolicy", {
  eventBusName: bus.name,
  policy: $jsonStringify(
    busPolicyDocument({
      busArn: bus.arn,
      forwarderRoleArn: forwarder.nodes.role.arn,
      hintPublishers: extraHintPublishers,
      scalePublishers,
    }),
  ),
});
