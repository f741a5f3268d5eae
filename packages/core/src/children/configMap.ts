import { CONFIGMAP_KEY, childNames, defaultLabels, type Emqx } from "@emqx-reconciler/api";
import type { V1ConfigMap } from "@kubernetes/client-node";
import { mergedConfig } from "../hocon/index.ts";
import { childMeta, crLabels } from "./meta.ts";

/**
 * `<name>-configs` with the one key `emqx.conf`: the operator's default listeners header, a newline, then
 * `config.data`, byte for byte, mounted over the image's `emqx.conf`.
 */
export function buildConfigMap(emqx: Emqx): V1ConfigMap {
  const name = childNames(emqx.metadata.name).configs;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: childMeta(emqx, name, crLabels(emqx, defaultLabels(emqx.metadata.name))),
    data: { [CONFIGMAP_KEY]: mergedConfig(emqx.spec.config?.data ?? "") },
  };
}
