import { FIELD_MANAGER } from "@emqx-reconciler/api";
import { isKubeError, KubeErrorKind } from "./errors.ts";
import type { KubeHttp } from "./KubeHttp.ts";
import { type ResourceInfo, resourceFor, resourcePath } from "./resources.ts";
import type { KubeObject, KubeObjectInput, ObjectRef, Stored } from "./types.ts";

/** Content types of the patch flavours we send (all bodies are JSON; apply-patch+yaml accepts JSON). */
export const ContentType = {
  Apply: "application/apply-patch+yaml",
  MergePatch: "application/merge-patch+json",
  StrategicMergePatch: "application/strategic-merge-patch+json",
} as const;

/** Options of {@link applyObject}. */
export interface ApplyOptions {
  /** Server-side dry run (`dryRun=All`): nothing is stored. @default false */
  dryRun?: boolean;
}

/** Outcome of a create-only write. */
export interface CreateResult<T = KubeObject> {
  outcome: "created" | "existed";
  /** The created object; absent when it already existed (it is not read back). */
  object?: Stored<T>;
}

function target(obj: KubeObjectInput): { info: ResourceInfo; namespace: string | undefined; name: string } {
  const info = resourceFor(obj.apiVersion, obj.kind);
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${obj.kind}: metadata.name is required`);
  const namespace = obj.metadata?.namespace;
  if (info.namespaced && !namespace) throw new Error(`${obj.kind} ${name}: metadata.namespace is required`);
  return { info, namespace, name };
}

/**
 * Server-side apply with our one field manager and `force`: we own every field we send, take it over from
 * others if they changed it, and leave fields we do not send alone. The object is sent as JSON exactly as given
 * (no typed re-serialization). Returns the object as stored: an unchanged `resourceVersion` means a no-op.
 * With `dryRun`, the apiserver runs defaulting, admission and validation and returns what it would store, and
 * stores nothing.
 */
export async function applyObject<T extends KubeObjectInput>(
  http: KubeHttp,
  obj: T,
  options: ApplyOptions = {},
): Promise<Stored<T>> {
  const { info, namespace, name } = target(obj);
  const res = await http.send<Stored<T>>({
    verb: "patch",
    label: { verb: "APPLY", resource: info.plural, kind: info.kind, namespace, name },
    path: resourcePath(info, { namespace, name }),
    query: { fieldManager: FIELD_MANAGER, force: true, ...(options.dryRun ? { dryRun: "All" } : {}) },
    body: obj,
    contentType: ContentType.Apply,
  });
  return res.body;
}

/** Creates an object unless one of that name exists (generated Secrets must never be rewritten). */
export async function createIfAbsent<T extends KubeObjectInput>(
  http: KubeHttp,
  obj: T,
): Promise<CreateResult<T>> {
  const { info, namespace, name } = target(obj);
  try {
    const res = await http.send<Stored<T>>({
      verb: "create",
      label: { verb: "CREATE", resource: info.plural, kind: info.kind, namespace, name },
      path: resourcePath(info, { namespace }),
      query: { fieldManager: FIELD_MANAGER },
      body: obj,
    });
    return { outcome: "created", object: res.body };
  } catch (err) {
    if (isKubeError(err, KubeErrorKind.Conflict) && err.reason === "AlreadyExists")
      return { outcome: "existed" };
    throw err;
  }
}

/**
 * Deletes exactly the object named by `ref`: the UID precondition makes a stale delete (the object was replaced
 * by a new one of the same name) fail with a `conflict` instead of deleting the newcomer. Dependents are
 * collected in the background. An object already gone counts as deleted.
 */
export async function deleteObject(http: KubeHttp, ref: ObjectRef): Promise<"deleted" | "absent"> {
  const info = resourceFor(ref.apiVersion, ref.kind);
  try {
    await http.send({
      verb: "delete",
      label: {
        verb: "DELETE",
        resource: info.plural,
        kind: info.kind,
        namespace: ref.namespace,
        name: ref.name,
      },
      path: resourcePath(info, { namespace: ref.namespace, name: ref.name }),
      body: {
        apiVersion: "v1",
        kind: "DeleteOptions",
        propagationPolicy: "Background",
        preconditions: { uid: ref.uid },
      },
    });
    return "deleted";
  } catch (err) {
    if (isKubeError(err, KubeErrorKind.NotFound)) return "absent";
    throw err;
  }
}

/** Replaces the status subresource; `metadata.resourceVersion` is required and a stale one is a `conflict`. */
export async function replaceStatus<T extends KubeObjectInput>(http: KubeHttp, obj: T): Promise<Stored<T>> {
  const { info, namespace, name } = target(obj);
  if (!obj.metadata?.resourceVersion) {
    throw new Error(`${obj.kind} ${namespace}/${name}: a status write needs metadata.resourceVersion`);
  }
  const res = await http.send<Stored<T>>({
    verb: "update",
    label: { verb: "UPDATE", resource: `${info.plural}/status`, kind: info.kind, namespace, name },
    path: resourcePath(info, { namespace, name, subresource: "status" }),
    query: { fieldManager: FIELD_MANAGER },
    body: obj,
  });
  return res.body;
}

/** Input of {@link patchObject}. */
export interface PatchInput {
  info: ResourceInfo;
  namespace: string;
  name: string;
  patch: unknown;
  contentType: (typeof ContentType)[keyof typeof ContentType];
  subresource?: string;
}

/** A merge or strategic-merge patch under our field manager; a `resourceVersion` inside `patch` guards it. */
export async function patchObject<T extends KubeObject>(http: KubeHttp, input: PatchInput): Promise<T> {
  const { info, namespace, name, subresource } = input;
  const resource = subresource ? `${info.plural}/${subresource}` : info.plural;
  const res = await http.send<T>({
    verb: "patch",
    label: { verb: "PATCH", resource, kind: info.kind, namespace, name },
    path: resourcePath(info, { namespace, name, subresource }),
    query: { fieldManager: FIELD_MANAGER },
    body: input.patch,
    contentType: input.contentType,
  });
  return res.body;
}
