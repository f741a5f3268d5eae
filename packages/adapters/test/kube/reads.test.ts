import { defaultLabels } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeError, KubeGateway, loadKubeconfigFile, OWNED_KINDS } from "../../src/index.ts";
import { emqxCr, freshNamespace, openCrdNamespace, rejection, sandboxKubeconfigPath } from "./cluster.ts";

let gw: KubeGateway;
let ns: string;

beforeAll(async () => {
  ({ gw, ns } = await openCrdNamespace("reads"));
});
afterAll(() => gw?.close());

function bootstrapSecret(instance: string, file: string) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `${instance}-bootstrap-api-key`, namespace: ns, labels: defaultLabels(instance) },
    stringData: { bootstrap_api_key: file },
  };
}

describe("reads", () => {
  it("reads a CR, and undefined for one that does not exist", async () => {
    await gw.apply(emqxCr(ns, "e1"));
    expect((await gw.getEmqx(ns, "e1"))?.metadata?.name).toBe("e1");
    expect(await gw.getEmqx(ns, "missing")).toBeUndefined();
    const all = await gw.listEmqx();
    expect(all.items.some((i) => i.metadata?.namespace === ns && i.metadata.name === "e1")).toBe(true);
    expect(all.resourceVersion).toMatch(/^\d+$/);
  });

  it("lists EMQX CRs of the served namespaces only, when a gateway is scoped to some", async () => {
    const other = await freshNamespace(gw, "reads-other");
    await gw.apply(emqxCr(other, "e-other"));
    await gw.apply(emqxCr(ns, "e1"));
    const scoped = new KubeGateway({
      kubeConfig: loadKubeconfigFile(await sandboxKubeconfigPath()),
      namespaces: [ns],
    });
    try {
      const names = (await scoped.listEmqx()).items.map(
        (i) => `${i.metadata?.namespace}/${i.metadata?.name}`,
      );
      expect(names).toContain(`${ns}/e1`);
      expect(names.some((n) => n.startsWith(`${other}/`))).toBe(false);
      expect((await scoped.listEmqx(other)).items.map((i) => i.metadata?.name)).toEqual(["e-other"]);
    } finally {
      await scoped.close();
    }
  });

  it("lists a CR's children with one request per owned kind, by its labels only", async () => {
    await gw.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "e1-configs", namespace: ns, labels: defaultLabels("e1") },
    });
    await gw.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "e2-configs", namespace: ns, labels: defaultLabels("e2") },
    });
    await gw.createIfAbsent(bootstrapSecret("e1", "emqx-operator-controller:pw1"));
    gw.resetStats();
    const children = await gw.listChildren(ns, "e1");
    expect(children.ConfigMap.map((c) => c.metadata?.name)).toEqual(["e1-configs"]);
    expect(gw.stats()).toEqual({
      reads: OWNED_KINDS.length,
      writes: 0,
      byRequest: Object.fromEntries(
        [
          "statefulsets",
          "replicasets",
          "pods",
          "services",
          "configmaps",
          "secrets",
          "poddisruptionbudgets",
        ].map((r) => [`list ${r}`, 1]),
      ),
      throttled: { requests: 0, ms: 0 },
    });
  });

  it("lists Secrets as metadata only: their values never leave the API server in a list", async () => {
    const secrets = await gw.listOwned("Secret", ns, "e1");
    expect(secrets.map((s) => s.metadata.name)).toEqual(["e1-bootstrap-api-key"]);
    expect(secrets.map((s) => Object.keys(s).sort())).toEqual([["apiVersion", "kind", "metadata"]]);
    expect(JSON.stringify(secrets)).not.toContain(
      Buffer.from("emqx-operator-controller:pw1").toString("base64"),
    );
  });

  it("reads the controller's bootstrap credential, and nothing while the Secret is absent", async () => {
    await gw.createIfAbsent(
      bootstrapSecret("e3", "user1:secret1\nemqx-operator-controller:pw3:administrator"),
    );
    expect(await gw.readBootstrapCredential(ns, "e3")).toEqual({
      username: "emqx-operator-controller",
      password: "pw3",
    });
    expect(await gw.readBootstrapCredential(ns, "absent")).toBeUndefined();
  });

  it("fails terminally, without the file's content, when the controller line is missing", async () => {
    await gw.createIfAbsent(bootstrapSecret("e4", "user1:canary-secret"));
    const err = (await rejection(gw.readBootstrapCredential(ns, "e4"))) as KubeError;
    expect(err.kind).toBe("terminal");
    expect(err.message).not.toContain("canary-secret");
  });

  it("reads a secretRef's values decoded", async () => {
    await gw.createIfAbsent({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "user-key", namespace: ns },
      stringData: { key: "k1", secret: "s1" },
    });
    expect(await gw.getSecret(ns, "user-key")).toEqual({ key: "k1", secret: "s1" });
    expect(await gw.getSecret(ns, "nope")).toBeUndefined();
  });

  it("lists Events of one involved object and reason", async () => {
    const cr = await gw.getEmqx(ns, "e1");
    await gw.recordEvent(cr ?? {}, {
      type: "Normal",
      reason: "SuccessfulDelete",
      message: "deleted pod e1-x",
    });
    await gw.recordEvent(cr ?? {}, { type: "Normal", reason: "Created", message: "created" });
    const events = await gw.listEvents(ns, "e1", "SuccessfulDelete");
    expect(events.map((e) => [e.reason, e.message])).toEqual([["SuccessfulDelete", "deleted pod e1-x"]]);
  });
});
