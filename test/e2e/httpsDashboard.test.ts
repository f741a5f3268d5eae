/**
 * An https-only dashboard under the embedded reconciler of `run`: `config.data` turns the http listener off and
 * serves https with a certificate the user keeps in a Secret and mounts through `extraVolumes` /
 * `extraVolumeMounts`, as the operator's docs describe. The emulator serves that very certificate on the pod IPs;
 * it names the dashboard Service (not the pod IPs), as a user's certificate would.
 * - With `ca.crt` in the certificate's Secret the CR reaches Ready with both node lists.
 * - Without a trusted CA it shows `NodeStatusStale` / `ApiCertificateUntrusted` and exactly one Warning event,
 *   then becomes Ready once the CA Secret its annotation names appears.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANNOTATION_DASHBOARD_CA_SECRET, ConditionReason, ConditionType } from "@emqx-reconciler/api";
import { generateCa, generateServingCertificate, type PemPair } from "@emqx-reconciler/sandbox";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Shape, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  type EmqxObject,
  freshNamespace,
  kubectl,
  openTestbed,
  readCr,
  sleep,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const SHAPE: Shape = { cores: 2, replicants: 2 };
const HTTPS_ONLY = `license { key = "evaluation" }
dashboard.listeners.http.bind = 0
dashboard.listeners.https {
  bind = 18084
  ssl_options {
    certfile = "/mounted/dashboard/tls.crt"
    keyfile = "/mounted/dashboard/tls.key"
  }
}
`;

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;
let dir: string;
let ca: PemPair;

/** An https-only CR mounting `certSecret` at /mounted/dashboard in cores and replicants. */
function httpsCr(name: string, certSecret: string, annotations: Record<string, string> = {}) {
  const mounts = {
    extraVolumes: [{ name: "dashboard-cert", secret: { secretName: certSecret } }],
    extraVolumeMounts: [{ name: "dashboard-cert", mountPath: "/mounted/dashboard", readOnly: true }],
  };
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name, namespace: ns, annotations },
    spec: {
      image: "emqx/emqx:6.0.1",
      config: { data: HTTPS_ONLY },
      coreTemplate: { spec: { replicas: SHAPE.cores, ...mounts } },
      replicantTemplate: { spec: { replicas: SHAPE.replicants, ...mounts } },
    },
  };
}

/** The Secret a user (or cert-manager) makes: `tls.crt`/`tls.key` for the dashboard Service, and maybe `ca.crt`. */
async function certSecret(name: string, cr: string, withCa: boolean): Promise<object> {
  const service = `${cr}-dashboard`;
  const sans = [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`];
  const pair = await generateServingCertificate(
    dir,
    "user-ca",
    cr,
    sans.map((s) => `DNS:${s}`),
  );
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/tls",
    metadata: { name, namespace: ns },
    stringData: { "tls.crt": pair.cert, "tls.key": pair.key, ...(withCa ? { "ca.crt": ca.cert } : {}) },
  };
}

async function apply(...objects: object[]): Promise<void> {
  await kubectl(
    testbed,
    ["apply", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
  );
}

const staleOf = (cr: EmqxObject | undefined) =>
  cr?.status?.conditions?.find((c) => c.type === ConditionType.NodeStatusStale && c.status === "True");

/**
 * Warning events saying the certificate is not trusted. Other Warnings may precede them: the sandbox's kwok marks a
 * pod ready before the emulator has read the certificate Secret and opened the https port (a real pod's readiness
 * probe on `dashboard-https` closes that window), so the first call can be refused.
 */
async function untrustedWarnings(name: string) {
  const events = await testbed.gateway.listEvents(ns, name);
  return events.filter((e) => e.type === "Warning" && e.message?.includes("certificate is not trusted"));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "e2e-https-"));
  ca = await generateCa(dir, "user-ca", "e2e-user-ca");
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-https");
  embedded = await startEmbedded(testbed, ns);
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("https-only dashboard", () => {
  it("reaches Ready with both node lists, trusting ca.crt of the mounted certificate's Secret", {
    timeout: 120_000,
  }, async () => {
    await apply(await certSecret("emqx-tls-cert", "emqx-tls", true), httpsCr("emqx-tls", "emqx-tls-cert"));
    const reached = await waitForShape(testbed, ns, SHAPE, "emqx-tls");
    const status = reached.cr?.status;
    expect(status?.coreNodes?.map((n) => n.node_status)).toEqual(["running", "running"]);
    expect(status?.replicantNodes?.map((n) => n.role)).toEqual(["replicant", "replicant"]);
    expect(staleOf(reached.cr)).toBeUndefined();
    expect(await untrustedWarnings("emqx-tls")).toEqual([]);
    const podIP = (reached.pods[0]?.status as { podIP?: string } | undefined)?.podIP ?? "";
    const agent = new Agent({ connect: { ca: ca.cert, servername: `emqx-tls-dashboard.${ns}.svc` } });
    const check = await request(`https://${podIP}:18084/api/v5/load_rebalance/availability_check`, {
      dispatcher: agent,
    });
    expect(check.statusCode).toBe(200);
    await check.body.dump();
    await agent.close();
    await expect(request(`http://${podIP}:18083/status`)).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it("without a trusted CA says so once, then becomes Ready when the named CA Secret appears", {
    timeout: 150_000,
  }, async () => {
    await apply(
      await certSecret("emqx-untrusted-cert", "emqx-untrusted", false),
      httpsCr("emqx-untrusted", "emqx-untrusted-cert"),
    );
    const untrusted = await waitFor(
      "ApiCertificateUntrusted on emqx-untrusted",
      async () => {
        const cr = await readCr(testbed, ns, "emqx-untrusted");
        return staleOf(cr)?.reason === ConditionReason.ApiCertificateUntrusted ? cr : undefined;
      },
      90_000,
      async () => (await readCr(testbed, ns, "emqx-untrusted"))?.status?.conditions,
    );
    const message = staleOf(untrusted)?.message ?? "";
    expect(message).toMatch(
      /^The EMQX dashboard certificate is not trusted \(GET https:\/\/127\.[0-9.]+:18084\/api\/v5\/nodes: certificate did not verify/,
    );
    expect(message).toContain(`set the annotation ${ANNOTATION_DASHBOARD_CA_SECRET} of the EMQX`);
    expect(message).not.toContain("BEGIN CERTIFICATE");
    expect(untrusted.status?.coreNodes ?? []).toEqual([]);

    // The user names a CA Secret that does not exist yet: still untrusted, still one event.
    await kubectl(testbed, [
      "annotate",
      "emqx",
      "emqx-untrusted",
      "-n",
      ns,
      `${ANNOTATION_DASHBOARD_CA_SECRET}=corp-ca`,
    ]);
    await waitFor("the condition to name the missing Secret", async () =>
      staleOf(await readCr(testbed, ns, "emqx-untrusted"))?.message.includes(`Secret ${ns}/corp-ca`)
        ? true
        : undefined,
    );
    await embedded.settle();
    await sleep(6_000); // past one API retry
    const events = await untrustedWarnings("emqx-untrusted");
    expect(events.map((e) => [e.reason, e.count, e.message?.slice(0, 80)])).toEqual([
      [
        "FailedToGetNodeStatuses",
        1,
        expect.stringMatching(/^The EMQX dashboard certificate is not trusted \(GET https/),
      ],
    ]);

    await apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "corp-ca", namespace: ns },
      stringData: { "ca.crt": ca.cert },
    });
    const ready = await waitForShape(testbed, ns, SHAPE, "emqx-untrusted");
    expect(ready.cr?.status?.coreNodes).toHaveLength(SHAPE.cores);
    expect(ready.cr?.status?.replicantNodes).toHaveLength(SHAPE.replicants);
    expect(staleOf(ready.cr)).toBeUndefined();
    expect(await untrustedWarnings("emqx-untrusted")).toHaveLength(1);
  });
});
