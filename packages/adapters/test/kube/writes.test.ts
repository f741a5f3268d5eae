import { CRD_NAME, FIELD_MANAGER } from "@emqx-reconciler/api";
import type { V1Service } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type KubeError,
  type KubeGateway,
  KubeHttp,
  type KubeObject,
  loadKubeconfigFile,
} from "../../src/index.ts";
import { emqxCr, freshNamespace, openCrdNamespace, rejection, sandboxKubeconfigPath } from "./cluster.ts";

let gw: KubeGateway;
let ns: string;

beforeAll(async () => {
  ({ gw, ns } = await openCrdNamespace("writes"));
});
afterAll(() => gw?.close());

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns }, data };
}

function replicasOf(obj: KubeObject | undefined): number | undefined {
  return (obj?.spec as { replicas?: number } | undefined)?.replicas;
}

describe("server-side apply", () => {
  it("creates, then re-applies as a no-op (resourceVersion unchanged), owned by our one field manager", async () => {
    const first = await gw.apply(configMap("ssa", { a: "1" }));
    const again = await gw.apply(configMap("ssa", { a: "1" }));
    expect(again.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect(again.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([
      [FIELD_MANAGER, "Apply"],
    ]);
  });

  it("R20 takes a field back from another manager with force, and leaves fields it does not send alone", async () => {
    await gw.apply(configMap("fight", { a: "1" }));
    const other = new KubeHttp({ kubeConfig: loadKubeconfigFile(await sandboxKubeconfigPath()) });
    await other.send({
      verb: "patch",
      label: { verb: "PATCH", resource: "configmaps" },
      path: `/api/v1/namespaces/${ns}/configmaps/fight`,
      query: { fieldManager: "kubectl-edit" },
      body: { data: { a: "changed", b: "theirs" } },
      contentType: "application/merge-patch+json",
    });
    await other.close();
    const back = await gw.apply(configMap("fight", { a: "1" }));
    expect(back.data).toEqual({ a: "1", b: "theirs" });
    const owners = Object.fromEntries(
      (back.metadata?.managedFields ?? []).map((m) => [
        m.manager,
        Object.keys((m.fieldsV1 as { "f:data"?: object })["f:data"] ?? {}),
      ]),
    );
    expect(owners).toEqual({ [FIELD_MANAGER]: ["f:a"], "kubectl-edit": ["f:b"] });
  });

  it("sends wire-format keys untouched (the CRD keeps x-kubernetes-* and int-or-string ports survive)", async () => {
    const crd = await gw.get("CustomResourceDefinition", undefined, CRD_NAME);
    expect(JSON.stringify(crd)).toContain('"x-kubernetes-preserve-unknown-fields":true');
    const service: V1Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: ns },
      spec: { selector: { app: "x" }, ports: [{ name: "dashboard", port: 18083, targetPort: "dashboard" }] },
    };
    const svc = await gw.apply(service);
    expect(svc.spec?.ports?.[0]?.targetPort).toBe("dashboard");
  });

  it("R23 classifies an invalid object (422) as terminal", async () => {
    const err = (await rejection(gw.apply(configMap("Bad_Name", { a: "1" })))) as KubeError;
    expect([err.kind, err.status, err.reason]).toEqual(["terminal", 422, "Invalid"]);
    expect(err.message).toContain(`APPLY configmaps ${ns}/Bad_Name: 422 Invalid`);
  });

  it("classifies the 500 of a body repeating a list-map key as terminal, naming the path", async () => {
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "dup-env", namespace: ns },
      spec: {
        containers: [
          {
            name: "c",
            image: "busybox",
            env: [
              { name: "A", value: "1" },
              { name: "A", value: "2" },
            ],
          },
        ],
      },
    };
    const err = (await rejection(gw.apply(pod))) as KubeError;
    expect([err.kind, err.status]).toEqual(["terminal", 500]);
    expect(err.fields).toEqual(['spec.containers[name="c"].env']);
    expect(err.detail).toMatch(/duplicate entries for key \[name="A"\]/);
    expect(err.request).toMatchObject({ verb: "APPLY", kind: "Pod", namespace: ns, name: "dup-env" });
  });
});

describe("create-only", () => {
  it("creates once and reports an existing object as existed, leaving it unchanged", async () => {
    const secret = (value: string): KubeObject => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "once", namespace: ns },
      stringData: { key: value },
    });
    expect((await gw.createIfAbsent(secret("first"))).outcome).toBe("created");
    expect(await gw.createIfAbsent(secret("second"))).toEqual({ outcome: "existed" });
    expect(await gw.getSecret(ns, "once")).toEqual({ key: "first" });
  });

  it("keeps Secret values out of error messages", async () => {
    const err = await rejection(
      gw.createIfAbsent({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "Not Valid", namespace: ns },
        stringData: { "bad key!": "canary-secret-value" },
      }),
    );
    expect(err.message).not.toContain("canary-secret-value");
    expect((err as KubeError).kind).toBe("terminal");
  });
});

describe("delete with a UID precondition", () => {
  it("refuses a stale UID as a conflict, deletes the right one, and calls a missing one absent", async () => {
    const old = await gw.apply(configMap("gone", { a: "1" }));
    const ref = { apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "gone" };
    const stale = (await rejection(
      gw.delete({ ...ref, uid: "00000000-0000-0000-0000-000000000000" }),
    )) as KubeError;
    expect([stale.kind, stale.status]).toEqual(["conflict", 409]);
    expect(await gw.delete({ ...ref, uid: old.metadata?.uid ?? "" })).toBe("deleted");
    expect(await gw.delete({ ...ref, uid: old.metadata?.uid ?? "" })).toBe("absent");
  });
});

describe("resourceVersion-guarded writes", () => {
  it("R19 writes status with the current resourceVersion and refuses a stale one as a conflict", async () => {
    const cr = await gw.apply(emqxCr(ns, "status"));
    const written = await gw.replaceStatus({ ...cr, status: { conditions: [], coreNodes: [] } });
    expect(written.metadata?.resourceVersion).not.toBe(cr.metadata?.resourceVersion);
    const err = (await rejection(gw.replaceStatus({ ...cr, status: { coreNodes: [] } }))) as KubeError;
    expect([err.kind, err.status, err.reason]).toEqual(["conflict", 409, "Conflict"]);
    expect((await gw.getEmqx(ns, "status"))?.spec).toEqual(cr.spec);
  });

  it("patches CR annotations without taking the spec's fields away from the apply manager", async () => {
    await gw.apply(emqxCr(ns, "annotated"));
    const patched = await gw.patchCrAnnotations(ns, "annotated", { "apps.emqx.io/config-hash": "abc" });
    expect(patched.metadata?.annotations).toMatchObject({ "apps.emqx.io/config-hash": "abc" });
    const cleared = await gw.patchCrAnnotations(ns, "annotated", { "apps.emqx.io/config-hash": null });
    expect(cleared.metadata?.annotations?.["apps.emqx.io/config-hash"]).toBeUndefined();
    const again = await gw.apply(emqxCr(ns, "annotated"));
    expect(again.spec).toEqual(patched.spec);
  });

  it("scales a set only at the resourceVersion it was read at", async () => {
    const rs = await gw.apply({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "rs", namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "rs" } },
        template: { metadata: { labels: { app: "rs" } }, spec: { containers: [{ name: "c", image: "x" }] } },
      },
    });
    // The ReplicaSet controller writes status concurrently: re-read and retry on conflict, as callers do.
    let read: KubeObject = rs;
    let scaled: KubeObject | undefined;
    for (let i = 0; i < 10 && !scaled; i++) {
      scaled = await gw
        .setReplicas("ReplicaSet", ns, "rs", 1, read.metadata?.resourceVersion ?? "")
        .catch((e: KubeError) => {
          if (e.kind !== "conflict") throw e;
          return undefined;
        });
      read = (await gw.get("ReplicaSet", ns, "rs")) ?? read;
    }
    expect(replicasOf(scaled)).toBe(1);
    const stale = rs.metadata?.resourceVersion ?? "";
    const err = (await rejection(gw.setReplicas("ReplicaSet", ns, "rs", 2, stale))) as KubeError;
    expect(err.kind).toBe("conflict");
    expect(replicasOf(await gw.get("ReplicaSet", ns, "rs"))).toBe(1);
  });

  it("R6, R7 says not-found for a write to a missing object, and terminal when the namespace is terminating", async () => {
    expect(((await rejection(gw.setReplicas("ReplicaSet", ns, "nope", 1, "1"))) as KubeError).kind).toBe(
      "not-found",
    );
    const dying = await freshNamespace(gw, "dying");
    await gw.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "held", namespace: dying, finalizers: ["example.com/hold"] },
    });
    const nsObj = await gw.get("Namespace", undefined, dying);
    await gw.delete({ apiVersion: "v1", kind: "Namespace", name: dying, uid: nsObj?.metadata?.uid ?? "" });
    const late = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late", namespace: dying } };
    const err = (await rejection(gw.apply(late))) as KubeError;
    expect([err.kind, err.status]).toEqual(["terminal", 403]);
    await gw.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "held", namespace: dying, finalizers: [] },
    });
  });
});
