import { mapBounded } from "@emqx-reconciler/runtime";
import type { SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { withinDeadline } from "../src/deadline.ts";
import { jsonBody, supersededRecords } from "../src/records.ts";

const record = (messageId: string, group: string) =>
  ({ messageId, attributes: { MessageGroupId: group } }) as unknown as SQSRecord;

describe("Function: supersededRecords", () => {
  it("keeps only the last record of each group in a batch", () => {
    const batch = [record("1", "a"), record("2", "b"), record("3", "a"), record("4", "a")];
    expect([...supersededRecords(batch)].sort()).toEqual(["1", "3"]);
  });
});

describe("Function: jsonBody", () => {
  it("parses a record's JSON body, and names the message (never the body) when it is not JSON", () => {
    expect(jsonBody({ messageId: "m1", body: '{"cluster":"prod"}' })).toEqual({ cluster: "prod" });
    expect(() => jsonBody({ messageId: "m2", body: "secret-looking text" })).toThrow(
      "SQS message m2: body is not JSON",
    );
    expect(() => jsonBody({ messageId: "m2", body: "secret-looking text" })).not.toThrow(/secret-looking/);
  });
});

describe("Function: withinDeadline in the bounded pool", () => {
  it("finishes every item although one fails and one never answers, within the deadline", async () => {
    const done: string[] = [];
    const started = Date.now();
    const items = ["ok1", "boom", "hang", "ok2"];
    const results = await mapBounded(items, 2, (item) =>
      withinDeadline(300, async () => {
        if (item === "boom") throw new Error("unreachable");
        if (item === "hang") await new Promise(() => undefined);
        done.push(item);
      }),
    );
    expect(done.sort()).toEqual(["ok1", "ok2"]);
    const failures = results.flatMap((r, i) =>
      r.status === "rejected" ? [[items[i], String(r.reason)]] : [],
    );
    expect(failures).toEqual([
      ["boom", "Error: unreachable"],
      ["hang", "Error: no answer within 300 ms"],
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
