import { type Emqx, EmqxSchema } from "@emqx-reconciler/api";
import type { KubernetesObject } from "@kubernetes/client-node";
import { buildAllChildren } from "../../src/children/index.ts";

/** `examples/emqx-core-replicant.yaml` as stored in the cluster: namespace `default`, a uid, CRD defaults applied. */
export function seedExample(): Emqx {
  return EmqxSchema.parse({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: "emqx", namespace: "default", uid: "6f1d0c56-0f1e-4c8e-9d6a-3b1f2a4c5d6e" },
    spec: {
      image: "emqx/emqx:6.0.1",
      config: { data: 'license {\n  key = "evaluation"\n}\n' },
      coreTemplate: { spec: { replicas: 2, resources: { requests: { cpu: "250m", memory: "512Mi" } } } },
      replicantTemplate: { spec: { replicas: 3, resources: { requests: { cpu: "250m", memory: "1Gi" } } } },
      dashboardServiceTemplate: { spec: { type: "LoadBalancer" } },
    },
  });
}

/** Fixed stand-ins for the generated secrets, so the rendering is reproducible. */
export const GOLDEN_PASSWORD = `${"p".repeat(54)}0123456789`;
export const GOLDEN_COOKIE = `${"c".repeat(54)}9876543210`;

/** Every child a first reconcile of the seed example creates, in apply order, listeners already on replicants. */
export function renderSeedExample(): KubernetesObject[] {
  const all = buildAllChildren(seedExample(), {
    password: GOLDEN_PASSWORD,
    cookie: GOLDEN_COOKIE,
    useReplicantSelector: true,
  });
  const objects = [
    all.cookie,
    all.bootstrap,
    all.headless,
    all.configMap,
    all.core,
    all.replicant,
    all.corePdb,
    all.replicantPdb,
    all.dashboard,
    all.listeners,
  ];
  return objects.filter((o): o is NonNullable<typeof o> => o !== undefined);
}
