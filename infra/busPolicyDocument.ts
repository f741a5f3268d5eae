/**
 * The bus's resource policy as plain data (no SST globals), so tests can read it: who may put the two event kinds
 * that make the reconciler act on a cluster. An explicit Deny binds same-account principals too, whatever their
 * IAM policies; the Allows let named principals of other accounts in.
 * - `ReconcileHint`: only the forwarder's role and the hint publishers. A hint is only ever a key, and admission
 *   still drops hints for unregistered clusters.
 * - `ScaleRequest`: only the scale publishers; with none named, nobody. A scale request changes a CR's replicas,
 *   so it is denied by default and enabled per principal (an autoscaler's role, an operator's CI).
 */
import { DetailType } from "@emqx-reconciler/api";

/** One statement of an EventBridge bus policy. */
export interface BusPolicyStatement<Arn> {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: "*" | { AWS: Array<Arn | string> };
  Action: "events:PutEvents";
  Resource: Arn;
  Condition: {
    StringEquals: { "events:detail-type": string };
    ArnNotEquals?: { "aws:PrincipalArn": Array<Arn | string> };
  };
}

/** What the policy is built from; `Arn` is a plain string in tests, a deploy-time output in the SST app. */
export interface BusPolicyInput<Arn> {
  busArn: Arn;
  /** The forwarder's role: always allowed to put hints. */
  forwarderRoleArn: Arn;
  /** `EMQX_HINT_PUBLISHERS`: more principals that may put hints. */
  hintPublishers: readonly string[];
  /** `EMQX_SCALE_PUBLISHERS`: the principals that may put scale requests. */
  scalePublishers: readonly string[];
}

function onlyNamed<Arn>(
  busArn: Arn,
  detailType: string,
  sid: string,
  allowed: Array<Arn | string>,
  crossAccount: readonly string[],
): Array<BusPolicyStatement<Arn>> {
  const condition = { StringEquals: { "events:detail-type": detailType } };
  const deny: BusPolicyStatement<Arn> = {
    Sid: `OnlyNamedPrincipalsPut${sid}`,
    Effect: "Deny",
    Principal: "*",
    Action: "events:PutEvents",
    Resource: busArn,
    Condition:
      allowed.length === 0 ? condition : { ...condition, ArnNotEquals: { "aws:PrincipalArn": allowed } },
  };
  if (crossAccount.length === 0) return [deny];
  const allow: BusPolicyStatement<Arn> = {
    Sid: `NamedPrincipalsMayPut${sid}`,
    Effect: "Allow",
    Principal: { AWS: [...crossAccount] },
    Action: "events:PutEvents",
    Resource: busArn,
    Condition: condition,
  };
  return [deny, allow];
}

/** The policy document of the bus (before `JSON.stringify`). */
export function busPolicyDocument<Arn>(input: BusPolicyInput<Arn>): {
  Version: "2012-10-17";
  Statement: Array<BusPolicyStatement<Arn>>;
} {
  const hints = [input.forwarderRoleArn, ...input.hintPublishers];
  return {
    Version: "2012-10-17",
    Statement: [
      ...onlyNamed(input.busArn, DetailType.ReconcileHint, "Hints", hints, input.hintPublishers),
      ...onlyNamed(
        input.busArn,
        DetailType.ScaleRequest,
        "ScaleRequests",
        [...input.scalePublishers],
        input.scalePublishers,
      ),
    ],
  };
}
