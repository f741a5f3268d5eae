import { errorFromResponse } from "@emqx-reconciler/adapters";
import { describe, expect, it } from "vitest";
import { retryableFailure, workflowRetryAfterMs } from "../../src/workflows/reconcileErrors.ts";

describe("Function: workflowRetryAfterMs", () => {
  const label = { verb: "PATCH", resource: "statefulsets", namespace: "ns", name: "emqx-core" };

  it("carries a 429's Retry-After from the apiserver through the workflow error to the queue", () => {
    const throttled = errorFromResponse(label, 429, { reason: "TooManyRequests" }, "7");
    expect(workflowRetryAfterMs(throttled)).toBe(7_000);
    expect(workflowRetryAfterMs(retryableFailure("reconcile c/ns/emqx", throttled))).toBe(7_000);
  });

  it("says nothing without a Retry-After, and caps a very long one at 5 minutes", () => {
    expect(workflowRetryAfterMs(errorFromResponse(label, 503, undefined))).toBeUndefined();
    expect(workflowRetryAfterMs(new Error("boom"))).toBeUndefined();
    expect(workflowRetryAfterMs(errorFromResponse(label, 429, undefined, "3600"))).toBe(300_000);
  });
});
