/** The scale workflow's Kubernetes calls over one connection, as the scale function and the e2e tests use them. */
import {
  ContentType,
  EventRecorder,
  getObject,
  type KubeHttp,
  type KubeObjectInput,
  patchObject,
  RESOURCES,
} from "@emqx-reconciler/adapters";
import type { ScalePort } from "./scale.ts";

/**
 * Reads the CR, merge-patches it (or its `scale` subresource) and records Events on it through `http`.
 *
 * @example const outcome = await runScale({ kube: kubeScalePort(http), logger }, request, origin);
 */
export function kubeScalePort(http: KubeHttp, now: () => Date = () => new Date()): ScalePort {
  const recorder = new EventRecorder(http, now);
  return {
    getEmqx: (namespace, name) => getObject(http, "EMQX", namespace, name),
    patchEmqx: (namespace, name, patch, subresource) =>
      patchObject(http, {
        info: RESOURCES.EMQX,
        namespace,
        name,
        patch,
        contentType: ContentType.MergePatch,
        subresource,
      }),
    recordEvent: (cr, event) => recorder.record(cr as KubeObjectInput, event),
  };
}
