import { describe, expect, it } from "vitest";
import {
  classifyStatus,
  errorFromResponse,
  errorFromTransport,
  isNamespaceTerminatingError,
  type KubeStatusBody,
  parseRetryAfter,
} from "../../src/index.ts";

/** What kube-apiserver says when an applied body repeats a list-map key. */
const DUPLICATE =
  '.spec.template.spec.containers[name="emqx"].env: duplicate entries for key [name="EMQX_CLUSTER__DNS__RECORD_TYPE"]';

describe("classifyStatus", () => {
  it.each([
    [400, undefined, "terminal"],
    [415, undefined, "terminal"],
    [422, { reason: "Invalid" }, "terminal"],
    [404, undefined, "not-found"],
    [409, { reason: "Conflict" }, "conflict"],
    [409, { reason: "AlreadyExists" }, "conflict"],
    [410, { reason: "Expired" }, "retryable"],
    [429, undefined, "retryable"],
    [500, undefined, "retryable"],
    [504, undefined, "retryable"],
    [401, undefined, "retryable"],
    [403, { reason: "Forbidden" }, "retryable"],
    [403, { details: { causes: [{ type: "NamespaceTerminating" }] } }, "terminal"],
    [500, { reason: "InternalError", message: "etcdserver: request timed out" }, "retryable"],
    [
      500,
      { message: `failed to create typed patch object (apps/v1, Kind=StatefulSet): ${DUPLICATE}` },
      "terminal",
    ],
  ] as Array<[number, KubeStatusBody | undefined, string]>)("%i %j is %s", (status, body, kind) => {
    expect(classifyStatus(status, body)).toBe(kind);
  });
});

describe("field paths and the failed request", () => {
  const label = {
    verb: "APPLY",
    resource: "statefulsets",
    kind: "StatefulSet",
    namespace: "n",
    name: "emqx-core",
  };

  it("come from the causes of a 422", () => {
    const err = errorFromResponse(label, 422, {
      reason: "Invalid",
      details: {
        causes: [{ field: "spec.replicas" }, { field: "spec.replicas" }, { field: "spec.selector" }],
      },
    });
    expect(err.fields).toEqual(["spec.replicas", "spec.selector"]);
    expect(err.request).toEqual(label);
  });

  it("come from the path of a typed-patch failure, which is terminal", () => {
    const message = `failed to create typed patch object (apps/v1, Kind=StatefulSet): ${DUPLICATE}`;
    const err = errorFromResponse(label, 500, { reason: "InternalError", message });
    expect(err.fields).toEqual(['spec.template.spec.containers[name="emqx"].env']);
    expect(err.kind).toBe("terminal");
  });

  it("are empty when the server names none", () => {
    expect(errorFromResponse(label, 500, { message: "boom" }).fields).toEqual([]);
  });

  it("say when a create was refused because the namespace is being deleted", () => {
    const terminating = errorFromResponse({ ...label, verb: "APPLY", resource: "configmaps" }, 403, {
      reason: "Forbidden",
      message:
        'configmaps "emqx-configs" is forbidden: unable to create new content in namespace n because it is being terminated',
      details: { causes: [{ type: "NamespaceTerminating", field: "metadata.namespace" }] },
    });
    expect(isNamespaceTerminatingError(terminating)).toBe(true);
    expect(terminating.kind).toBe("terminal");
    const rbac = errorFromResponse(label, 403, { reason: "Forbidden", message: "cannot patch statefulsets" });
    expect(isNamespaceTerminatingError(rbac)).toBe(false);
    expect(isNamespaceTerminatingError(new Error("being terminated"))).toBe(false);
  });
});

describe("error messages", () => {
  it("keep only field paths for Secrets, whatever the server echoed", () => {
    const err = errorFromResponse({ verb: "CREATE", resource: "secrets", namespace: "n", name: "s" }, 422, {
      reason: "Invalid",
      message: 'Secret "s" is invalid: data[x]: Invalid value: "canary-secret"',
      details: { causes: [{ field: "data[x]", message: 'Invalid value: "canary-secret"' }] },
    });
    expect(err.message).toBe("CREATE secrets n/s: 422 Invalid: data[x]");
  });

  it("prefer the Retry-After header and fall back to the Status details", () => {
    const label = { verb: "GET", resource: "pods" };
    expect(errorFromResponse(label, 429, { details: { retryAfterSeconds: 3 } }, "9").retryAfterSeconds).toBe(
      9,
    );
    expect(errorFromResponse(label, 429, { details: { retryAfterSeconds: 3 } }).retryAfterSeconds).toBe(3);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-1")).toBeUndefined();
  });

  it("read a Retry-After HTTP date as the seconds left until then", () => {
    const now = Date.parse("2026-12-02T08:00:00Z");
    expect(parseRetryAfter("Wed, 02 Dec 2026 08:00:07 GMT", now)).toBe(7);
    expect(parseRetryAfter("Wed, 02 Dec 2026 07:59:00 GMT", now)).toBe(0);
  });

  it("name the transport code of a failed connection", () => {
    const cause = Object.assign(new Error("connect failed"), { code: "ECONNRESET" });
    const err = errorFromTransport(
      { verb: "LIST", resource: "pods", namespace: "n" },
      new Error("fetch failed", { cause }),
    );
    expect([err.kind, err.reason, err.message]).toEqual([
      "retryable",
      "ECONNRESET",
      "LIST pods n: ECONNRESET",
    ]);
  });
});
