import { LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "@emqx-reconciler/api";
import { isKubeError, KubeErrorKind } from "./errors.ts";
import type { KubeHttp } from "./KubeHttp.ts";
import { type KindName, RESOURCES, resourcePath } from "./resources.ts";
import type { KubeObject, ListResult } from "./types.ts";

/** Options of a list call. */
export interface ListOptions {
  /** Omit to list across all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Ask for `PartialObjectMetadata` only (no `data`, `spec` or `status`): how Secrets are listed. */
  metadataOnly?: boolean;
}

/** Page size of list calls; large clusters are read in pages, small ones in one request. */
const PAGE_SIZE = 500;

const METADATA_ONLY_ACCEPT =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

interface ListBody {
  items?: KubeObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** The `apps.emqx.io/instance=<name>,apps.emqx.io/managed-by=emqx-operator` selector of a CR's children. */
export function ownedSelector(instance: string): string {
  return `${LABEL_INSTANCE}=${instance},${LABEL_MANAGED_BY}=${MANAGED_BY}`;
}

/** Reads one object; `undefined` when it does not exist. */
export async function getObject(
  http: KubeHttp,
  kind: KindName,
  namespace: string | undefined,
  name: string,
): Promise<KubeObject | undefined> {
  const info = RESOURCES[kind];
  try {
    const res = await http.send<KubeObject>({
      verb: "get",
      label: { verb: "GET", resource: info.plural, namespace, name },
      path: resourcePath(info, { namespace, name }),
    });
    return res.body;
  } catch (err) {
    if (isKubeError(err, KubeErrorKind.NotFound)) return undefined;
    throw err;
  }
}

/** Lists objects of a kind (all pages), returning the collection resourceVersion to watch from. */
export async function listObjects(
  http: KubeHttp,
  kind: KindName,
  options: ListOptions,
): Promise<ListResult<KubeObject>> {
  const info = RESOURCES[kind];
  const items: KubeObject[] = [];
  let cont: string | undefined;
  let resourceVersion = "";
  do {
    const res = await http.send<ListBody>({
      verb: "list",
      label: { verb: "LIST", resource: info.plural, namespace: options.namespace },
      path: resourcePath(info, { namespace: options.namespace }),
      query: {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        limit: PAGE_SIZE,
        continue: cont,
      },
      accept: options.metadataOnly ? METADATA_ONLY_ACCEPT : undefined,
    });
    items.push(...(res.body.items ?? []));
    resourceVersion = res.body.metadata?.resourceVersion ?? resourceVersion;
    cont = res.body.metadata?.continue || undefined;
  } while (cont);
  return { items, resourceVersion };
}
