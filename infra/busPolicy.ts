/**
 * Only the forwarder's role and the principals named in `EMQX_HINT_PUBLISHERS` may put `ReconcileHint` events
 * (reliability-catalogue §4.5): an explicit Deny binds same-account principals too, whatever their IAM policies.
 * Admission still drops hints for unregistered clusters, and a hint is only ever a key.
 */
import { DetailType } from "@emqx-reconciler/api";
import { bus } from "./bus.ts";
import { forwarder } from "./functions.ts";
import { extraHintPublishers } from "./settings.ts";

const allowedPublishers = [forwarder.nodes.role.arn, ...extraHintPublishers];

export const busPolicy = new aws.cloudwatch.EventBusPolicy("BusPolicy", {
  eventBusName: bus.name,
  policy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OnlyNamedPrincipalsPutHints",
        Effect: "Deny",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: bus.arn,
        Condition: {
          StringEquals: { "events:detail-type": DetailType.ReconcileHint },
          ArnNotEquals: { "aws:PrincipalArn": allowedPublishers },
        },
      },
      ...(extraHintPublishers.length === 0
        ? []
        : [
            {
              Sid: "NamedPrincipalsMayPutHints",
              Effect: "Allow",
              Principal: { AWS: extraHintPublishers },
              Action: "events:PutEvents",
              Resource: bus.arn,
              Condition: { StringEquals: { "events:detail-type": DetailType.ReconcileHint } },
            },
          ]),
    ],
  }),
});
