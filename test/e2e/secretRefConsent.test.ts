/**
 * `bootstrapAPIKeys[].secretRef` on the sandbox, with the opt-in `annotated` policy (`run --secret-refs annotated`): a CR naming an unrelated
 * Secret of its namespace gets `InvalidSpec` with reason `SecretRefForbidden` and one Warning Event, and nothing is
 * created (no bootstrap key Secret carrying the Secret's values); once the Secret is annotated
 * `apps.emqx.io/bootstrap-api-key-for: emqx`, the next pass reads it and the cluster goes to Ready.
 */
import { ANNOTATION_BOOTSTRAP_KEY_FOR, childNames } from "@emqx-reconciler/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { SEED_SHAPE, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  hasCondition,
  kubectl,
  openTestbed,
  readCr,
  type Testbed,
  waitFor,
} from "./support/testbed.ts";

const SECRET_VALUE = "db-secret-7c1a";
let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

function crReferencing(secretName: string): object {
  const ref = { secretName, secretKey: "user" };
  return {
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: "emqx" },
    spec: {
      image: "emqx/emqx:6.0.1",
      bootstrapAPIKeys: [{ secretRef: { key: ref, secret: { ...ref, secretKey: "password" } } }],
      coreTemplate: { spec: { replicas: 2 } },
      replicantTemplate: { spec: { replicas: 3 } },
    },
  };
}

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-secret-ref");
  await kubectl(testbed, [
    "create",
    "secret",
    "generic",
    "db-credentials",
    "-n",
    ns,
    "--from-literal=user=admin",
    `--from-literal=password=${SECRET_VALUE}`,
  ]);
  embedded = await startEmbedded(testbed, ns, { secretRefs: "annotated" });
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("a secretRef to a Secret that did not consent", () => {
  it("R43 is refused with SecretRefForbidden and one Warning, and nothing is created", {
    timeout: 120_000,
  }, async () => {
    await kubectl(
      testbed,
      ["apply", "--server-side", "-n", ns, "-f", "-"],
      stringify(crReferencing("db-credentials")),
    );
    const cr = await waitFor("SecretRefForbidden", async () => {
      const read = await readCr(testbed, ns);
      return hasCondition(read, "InvalidSpec", "SecretRefForbidden") ? read : undefined;
    });
    await embedded.settle();

    expect(cr.status?.conditions?.find((c) => c.type === "InvalidSpec")?.message).toContain(
      '"db-credentials"',
    );
    const events = JSON.parse(await kubectl(testbed, ["get", "events", "-n", ns, "-o", "json"])) as {
      items: Array<{ reason: string; message: string }>;
    };
    const refused = events.items.filter((e) => e.reason === "SecretRefForbidden");
    expect(refused).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(SECRET_VALUE);
    expect(await testbed.gateway.getSecret(ns, childNames("emqx").bootstrapApiKey)).toBeUndefined();
    const children = await testbed.gateway.listChildren(ns, "emqx");
    expect([...children.StatefulSet, ...children.ReplicaSet, ...children.Secret]).toEqual([]);
  });

  it("is read once the Secret is annotated for the CR, and the cluster goes Ready", {
    timeout: 150_000,
  }, async () => {
    await kubectl(testbed, [
      "annotate",
      "secret",
      "db-credentials",
      "-n",
      ns,
      `${ANNOTATION_BOOTSTRAP_KEY_FOR}=emqx`,
    ]);
    await embedded.settle();
    await waitForShape(testbed, ns, SEED_SHAPE, undefined, 120_000);
    const bootstrap = await testbed.gateway.getSecret(ns, childNames("emqx").bootstrapApiKey);
    expect(bootstrap?.bootstrap_api_key).toMatch(new RegExp(`^admin:${SECRET_VALUE}\\n`));
    expect(hasCondition(await readCr(testbed, ns), "InvalidSpec")).toBe(false);
  });
});
