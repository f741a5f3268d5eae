/**
 * HPA and `kubectl scale` users on the sandbox: both reach the CR's scale subresource and the reconciler scales
 * the replicants they ask for. Proven: `kubectl scale emqx/emqx --replicas=4`, and a `autoscaling/v2`
 * HorizontalPodAutoscaler (the sandbox's kube-controller-manager runs the HPA controller) that targets the CR and
 * brings it inside its `minReplicas`. Not proven here: metric-driven HPA decisions, because the sandbox serves no
 * metrics API (`metrics.k8s.io`, `custom.metrics.k8s.io`, `external.metrics.k8s.io`); the HPA reads the scale
 * subresource and its selector the same way whatever the metric.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convergeSeed, waitForShape } from "./support/converge.ts";
import { type EmbeddedReconciler, startEmbedded } from "./support/embedded.ts";
import {
  closeTestbed,
  freshNamespace,
  kubectl,
  openTestbed,
  SEED_NAME,
  type Testbed,
} from "./support/testbed.ts";

let testbed: Testbed;
let ns: string;
let embedded: EmbeddedReconciler;

beforeAll(async () => {
  testbed = await openTestbed();
  ns = await freshNamespace(testbed, "e2e-hpa");
  embedded = await startEmbedded(testbed, ns);
  await convergeSeed(testbed, ns);
}, 150_000);

afterAll(async () => {
  await embedded?.stop();
  await closeTestbed(testbed, ns);
});

describe("scale subresource users", { timeout: 150_000 }, () => {
  it("honours kubectl scale", async () => {
    await kubectl(testbed, ["scale", `emqx/${SEED_NAME}`, "-n", ns, "--replicas=4"]);
    await waitForShape(testbed, ns, { cores: 2, replicants: 4 });
  });

  it("honours an HPA targeting the CR, which reads its scale and selector", async () => {
    const hpa = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "emqx-replicants" },
      spec: {
        scaleTargetRef: { apiVersion: "apps.emqx.io/v2beta1", kind: "EMQX", name: SEED_NAME },
        minReplicas: 5,
        maxReplicas: 6,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
          },
        ],
      },
    };
    await kubectl(testbed, ["apply", "-n", ns, "-f", "-"], JSON.stringify(hpa));
    await waitForShape(testbed, ns, { cores: 2, replicants: 5 }, SEED_NAME, 120_000);
    const stored = JSON.parse(
      await kubectl(testbed, ["get", "hpa", "emqx-replicants", "-n", ns, "-o", "json"]),
    );
    expect(stored.status).toMatchObject({ desiredReplicas: 5 });
    expect(stored.status.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "AbleToScale", status: "True" })]),
    );
  });
});
