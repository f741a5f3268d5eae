/**
 * What every end-to-end test starts from: the test run's shared sandbox with our CRD installed by its own kubectl,
 * a gateway for the test's own reads (separate from the reconciler's, so its request counts stay the
 * reconciler's), the emulator's admin API, and a fresh namespace per test file.
 */
import { join } from "node:path";
import { KubeGateway, type KubeObject, loadKubeconfigFile, OWNED_KINDS } from "@emqx-reconciler/adapters";
import { CRD_NAME, type EmqxStatus, renderCrdYaml } from "@emqx-reconciler/api";
import { type Sandbox, startSandbox, useTestSandbox } from "@emqx-reconciler/sandbox";
import { EmulatorAdmin } from "@emqx-reconciler/sandbox/emulator";

/** The repository's seed example, applied verbatim. */
export const SEED_EXAMPLE = join(import.meta.dirname, "../../../examples/emqx-core-replicant.yaml");
/** `metadata.name` of the seed example. */
export const SEED_NAME = "emqx";

/** The shared pieces of an end-to-end test. */
export interface Testbed {
  sandbox: Sandbox;
  /** The test's own reads and checks; never the reconciler's. */
  gateway: KubeGateway;
  emulator: EmulatorAdmin;
}

/** An EMQX CR as read back, with the status typed. */
export type EmqxObject = KubeObject & { status?: EmqxStatus };

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it yields a value; on timeout the error names what was awaited and the last value seen. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
  describe: () => Promise<unknown> = async () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(await describe())}`,
      );
    await sleep(200);
  }
}

/** Runs the sandbox's kubectl and fails with its stderr when it exits non-zero. */
export async function kubectl(testbed: Testbed, args: string[], input?: string): Promise<string> {
  const result = await testbed.sandbox.kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * Starts (or attaches to) the run's sandbox, or uses `own` (see {@link openPrivateTestbed}), and installs the CRD
 * with `kubectl apply --server-side`.
 */
export async function openTestbed(own?: Sandbox): Promise<Testbed> {
  const sandbox = own ?? (await useTestSandbox());
  const testbed: Testbed = {
    sandbox,
    gateway: new KubeGateway({ kubeConfig: loadKubeconfigFile(sandbox.kubeconfigPath) }),
    emulator: await EmulatorAdmin.fromStateDir(sandbox.stateDir),
  };
  await kubectl(testbed, ["apply", "--server-side", "--force-conflicts", "-f", "-"], renderCrdYaml());
  await waitFor("the EMQX CRD to be established", async () => {
    const crd = await testbed.gateway.get("CustomResourceDefinition", undefined, CRD_NAME);
    const conditions = (crd?.status as { conditions?: Array<{ type: string; status: string }> })?.conditions;
    return conditions?.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
  });
  return testbed;
}

/**
 * A sandbox of the test file's own, for what would disturb the other files sharing the run's sandbox (installing
 * and removing a cluster-wide CRD, say); stop it with `testbed.sandbox.stop()`.
 */
export async function openPrivateTestbed(name: string): Promise<Testbed> {
  const sandbox = await startSandbox({
    name: `${name}-${process.pid}`,
    podStartDelayMs: 0,
    ownerPid: process.pid,
    onProgress: () => {},
  });
  return openTestbed(sandbox);
}

/** A namespace of its own for one test file (`<prefix>-<pid>`), created empty. */
export async function freshNamespace(testbed: Testbed, prefix: string): Promise<string> {
  const namespace = `${prefix}-${process.pid}`;
  await kubectl(testbed, ["delete", "namespace", namespace, "--ignore-not-found", "--wait=true"]);
  await kubectl(testbed, ["create", "namespace", namespace]);
  return namespace;
}

/** End of a test file: deletes its namespace without waiting and closes the test's connections. */
export async function closeTestbed(
  testbed: Testbed | undefined,
  namespace: string | undefined,
): Promise<void> {
  if (!testbed) return;
  if (namespace)
    await testbed.sandbox.kubectl(["delete", "namespace", namespace, "--wait=false", "--ignore-not-found"]);
  await testbed.gateway.close();
}

/** `kubectl apply -n <namespace> -f examples/emqx-core-replicant.yaml`, as a user would. */
export async function applySeed(testbed: Testbed, namespace: string): Promise<void> {
  await kubectl(testbed, ["apply", "-n", namespace, "-f", SEED_EXAMPLE]);
}

/** A merge patch of the CR through kubectl. */
export async function patchCr(testbed: Testbed, namespace: string, patch: object, name = SEED_NAME) {
  await kubectl(testbed, [
    "patch",
    "emqx",
    name,
    "-n",
    namespace,
    "--type=merge",
    "-p",
    JSON.stringify(patch),
  ]);
}

/** The CR, or undefined when it does not exist. */
export async function readCr(testbed: Testbed, namespace: string, name = SEED_NAME) {
  return (await testbed.gateway.getEmqx(namespace, name)) as EmqxObject | undefined;
}

/** The STATUS column of `kubectl get emqx` (our CRD's printer column), or undefined when the CR is absent. */
export async function printedStatus(testbed: Testbed, namespace: string, name = SEED_NAME) {
  const result = await testbed.sandbox.kubectl(["get", "emqx", name, "-n", namespace]);
  if (result.code !== 0) return undefined;
  const [titles = "", row = ""] = result.stdout.split("\n");
  return row.slice(titles.indexOf("STATUS"), titles.indexOf("AGE")).trim();
}

/** True when the condition of that type is present and True. */
export function hasCondition(cr: EmqxObject | undefined, type: string, reason?: string): boolean {
  return (
    cr?.status?.conditions?.some(
      (c) => c.type === type && c.status === "True" && (reason === undefined || c.reason === reason),
    ) ?? false
  );
}

/** `Kind/name → resourceVersion` of every child of a CR, to show that something left them alone. */
export async function childVersions(
  testbed: Testbed,
  namespace: string,
  name = SEED_NAME,
): Promise<Record<string, string>> {
  const children = await testbed.gateway.listChildren(namespace, name);
  const out: Record<string, string> = {};
  for (const kind of OWNED_KINDS)
    for (const obj of children[kind] as KubeObject[])
      out[`${kind}/${obj.metadata?.name}`] = obj.metadata?.resourceVersion ?? "";
  return out;
}
