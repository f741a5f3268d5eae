import { randomBytes } from "node:crypto";
import { useTestSandbox } from "@emqx-reconciler/sandbox";
import { KubeGateway, type KubeObject, loadKubeconfigFile } from "../../src/index.ts";

/** The kubeconfig path of the test run's shared sandbox (a real kube-apiserver), started on first use. */
export async function sandboxKubeconfigPath(): Promise<string> {
  return (await useTestSandbox()).kubeconfigPath;
}

/** A gateway on the shared sandbox. */
export async function sandboxGateway(now?: () => Date): Promise<KubeGateway> {
  return new KubeGateway({ kubeConfig: loadKubeconfigFile(await sandboxKubeconfigPath()), now });
}

/** Creates a fresh namespace for one test file, so files never see each other's objects. */
export async function freshNamespace(gateway: KubeGateway, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`;
  await gateway.createIfAbsent({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  return name;
}

/** The awaited rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => new Error("expected a rejection, got a value"),
    (err: unknown) => err,
  );
  if (!(outcome instanceof Error) || outcome.message === "expected a rejection, got a value") throw outcome;
  return outcome;
}

/** Applies our CRD (as the tests' setup would) and waits until the API server serves it. */
export async function installCrd(gateway: KubeGateway): Promise<void> {
  const { renderCrd, CRD_NAME } = await import("@emqx-reconciler/api");
  await gateway.apply(renderCrd() as KubeObject);
  for (let i = 0; i < 100; i++) {
    const crd = await gateway.get("CustomResourceDefinition", undefined, CRD_NAME);
    const conditions = (crd?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)
      ?.conditions;
    if (conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`CRD ${CRD_NAME} not established after 10 s`);
}

/** A gateway on the shared sandbox with our CRD served, and a fresh namespace for one test file. */
export async function openCrdNamespace(prefix: string): Promise<{ gw: KubeGateway; ns: string }> {
  const gw = await sandboxGateway();
  await installCrd(gw);
  return { gw, ns: await freshNamespace(gw, prefix) };
}

/** A minimal EMQX CR the CRD accepts. */
export function emqxCr(namespace: string, name: string): KubeObject {
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name, namespace },
    spec: { image: "emqx/emqx:6.0.1" },
  };
}
