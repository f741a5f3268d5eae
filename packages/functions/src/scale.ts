/** EventBridge `ScaleRequest` → a resourceVersion-guarded change of the CR spec (the reconcile does the scaling). */
import { EventBridgeEnvelope } from "@aws-lambda-powertools/parser/envelopes/eventbridge";
import { parser } from "@aws-lambda-powertools/parser/middleware";
import { ContentType, getObject, KubeHttp, patchObject, RESOURCES } from "@emqx-reconciler/adapters";
import { clusterConnection } from "@emqx-reconciler/adapters/aws";
import { crKey, ScaleRequestSchema } from "@emqx-reconciler/api";
import { runScale } from "@emqx-reconciler/runtime";
import { count, logger, observed, portLogger } from "./observability.ts";
import { shared } from "./shared.ts";

export const handler = observed()
  .use(parser({ schema: ScaleRequestSchema, envelope: EventBridgeEnvelope }))
  .handler(async (request) => {
    logger.appendKeys({ key: crKey(request.cluster, request.namespace, request.name) });
    const entry = await shared().registry.get(request.cluster);
    if (!entry) return void count("ScaleRequestsDropped");
    const http = new KubeHttp(await clusterConnection(entry, shared().clients));
    const patchEmqx = (namespace: string, name: string, patch: object, subresource?: "scale") =>
      patchObject(http, {
        info: RESOURCES.EMQX,
        namespace,
        name,
        patch,
        contentType: ContentType.MergePatch,
        subresource,
      });
    const outcome = await runScale(
      {
        kube: { getEmqx: (ns, n) => getObject(http, "EMQX", ns, n), patchEmqx },
        logger: portLogger({ key: crKey(request.cluster, request.namespace, request.name) }),
      },
      request,
    ).finally(() => http.close());
    count(`Scale_${outcome}`);
    return { outcome };
  });
