/**
 * The bus policy (infra/busPolicyDocument.ts) read as EventBridge evaluates it for a same-account caller: an
 * explicit Deny whose conditions all hold refuses the PutEvents entry. Only the condition operators the policy
 * uses are evaluated (StringEquals on the detail type, ArnNotEquals on the caller's principal ARN).
 */
import { DetailType } from "@emqx-reconciler/api";
import { describe, expect, it } from "vitest";
import { type BusPolicyStatement, busPolicyDocument } from "../../infra/busPolicyDocument.ts";

const BUS = "arn:aws:events:eu-west-1:111111111111:event-bus/emqx";
const FORWARDER = "arn:aws:iam::111111111111:role/forwarder";
const AUTOSCALER = "arn:aws:iam::111111111111:role/autoscaler";
const INTRUDER = "arn:aws:iam::111111111111:role/anyone-else";

function denied(
  statements: Array<BusPolicyStatement<string>>,
  principal: string,
  detailType: string,
): boolean {
  return statements.some(
    (s) =>
      s.Effect === "Deny" &&
      s.Condition.StringEquals["events:detail-type"] === detailType &&
      !(s.Condition.ArnNotEquals?.["aws:PrincipalArn"] ?? []).includes(principal),
  );
}

describe("the bus policy", () => {
  it("names who may send ScaleRequest: nobody by default, then only EMQX_SCALE_PUBLISHERS", () => {
    const closed = busPolicyDocument({
      busArn: BUS,
      forwarderRoleArn: FORWARDER,
      hintPublishers: [],
      scalePublishers: [],
    }).Statement;
    const open = busPolicyDocument({
      busArn: BUS,
      forwarderRoleArn: FORWARDER,
      hintPublishers: [],
      scalePublishers: [AUTOSCALER],
    }).Statement;

    expect([FORWARDER, AUTOSCALER, INTRUDER].map((p) => denied(closed, p, DetailType.ScaleRequest))).toEqual([
      true,
      true,
      true,
    ]);
    expect([FORWARDER, AUTOSCALER, INTRUDER].map((p) => denied(open, p, DetailType.ScaleRequest))).toEqual([
      true,
      false,
      true,
    ]);
    expect(open.find((s) => s.Effect === "Allow")).toMatchObject({
      Principal: { AWS: [AUTOSCALER] },
      Condition: { StringEquals: { "events:detail-type": DetailType.ScaleRequest } },
    });
  });

  it("R44 keeps ReconcileHint to the forwarder and EMQX_HINT_PUBLISHERS, and leaves other kinds alone", () => {
    const statements = busPolicyDocument({
      busArn: BUS,
      forwarderRoleArn: FORWARDER,
      hintPublishers: [AUTOSCALER],
      scalePublishers: [],
    }).Statement;
    expect(
      [FORWARDER, AUTOSCALER, INTRUDER].map((p) => denied(statements, p, DetailType.ReconcileHint)),
    ).toEqual([false, false, true]);
    expect(denied(statements, INTRUDER, DetailType.StatusTransition)).toBe(false);
    expect(statements.every((s) => s.Resource === BUS && s.Action === "events:PutEvents")).toBe(true);
  });
});
