import { type Emqx, EmqxSchema } from "@emqx-reconciler/api";
import type { V1Container, V1PodTemplateSpec } from "@kubernetes/client-node";

/** An EMQX CR as read from the cluster (namespace and uid set), with the CRD defaults applied by the schema. */
export function makeEmqx(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Emqx {
  return EmqxSchema.parse({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: "emqx", namespace: "mqtt", uid: "0b6d7c2e-1111-4a5b-9c3d-222233334444", ...metadata },
    spec: { image: "emqx/emqx:6.0.1", ...spec },
  });
}

/** The `emqx` container of a pod template. */
export function emqxContainer(template: V1PodTemplateSpec | undefined): V1Container {
  const container = template?.spec?.containers.find((c) => c.name === "emqx");
  if (!container) throw new Error("template has no emqx container");
  return container;
}

/** Environment variables as `name → value` (or `valueFrom` JSON), in order. */
export function envNames(container: V1Container): string[] {
  return (container.env ?? []).map((e) => e.name);
}

export function envValue(container: V1Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}
