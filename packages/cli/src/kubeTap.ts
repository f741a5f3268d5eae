/**
 * The Kubernetes port of `run`: the real gateway, with the reads and writes of EMQX CRs that the workflows make
 * anyway also feeding the status table, so the display costs no request. With `--namespace`, listings (of CRs
 * and of any kind) stay inside that namespace.
 */
import type { KubePort } from "@emqx-reconciler/runtime";
import type { CliLogger } from "./log.ts";
import type { StatusBoard } from "./statusBoard.ts";

/** Options of {@link tapKube}. */
export interface KubeTapOptions {
  board: StatusBoard;
  logger: CliLogger;
  /** Restricts listings without a namespace to this one. */
  namespace?: string;
  /** @default () => new Date() */
  now?: () => Date;
}

function refOf(cr: { metadata?: { namespace?: string; name?: string } }): {
  namespace: string;
  name: string;
} {
  return { namespace: cr.metadata?.namespace ?? "default", name: cr.metadata?.name ?? "" };
}

/**
 * Wraps `gateway` (the gateway itself, or the read cache over it) as the workflows' `KubePort`. Reading a CR updates (or, when it is gone, removes) its row;
 * listing CRs replaces the rows; a status write updates the row; a recorded Event becomes the row's last event
 * and a log line (Event messages never carry Secret values).
 */
export function tapKube(gateway: KubePort, options: KubeTapOptions): KubePort {
  const { board, logger } = options;
  const now = options.now ?? (() => new Date());
  return {
    getEmqx: async (namespace, name) => {
      const cr = await gateway.getEmqx(namespace, name);
      if (cr) board.update(cr);
      else board.remove(namespace, name);
      return cr;
    },
    listEmqx: async (namespace) => {
      const scope = namespace ?? options.namespace;
      const result = await gateway.listEmqx(scope);
      board.replaceAll(result.items, scope);
      return result;
    },
    replaceStatus: async (cr) => {
      const written = await gateway.replaceStatus(cr);
      board.update(written);
      return written;
    },
    recordEvent: async (cr, event) => {
      await gateway.recordEvent(cr, event);
      const { namespace, name } = refOf(cr);
      board.noteEvent(namespace, name, `${event.reason}: ${event.message}`, now());
      const log = event.type === "Warning" ? logger.warn : logger.info;
      log(`Recorded ${event.type} Event ${event.reason}`, { namespace, name, message: event.message });
    },
    list: (kind, listOptions = {}) =>
      gateway.list(kind, { ...listOptions, namespace: listOptions.namespace ?? options.namespace }),
    setFinalizers: (kind, namespace, name, finalizers, resourceVersion) =>
      gateway.setFinalizers(kind, namespace, name, finalizers, resourceVersion),
    listChildren: (namespace, instance) => gateway.listChildren(namespace, instance),
    listEvents: (namespace, involvedName, reason) => gateway.listEvents(namespace, involvedName, reason),
    getSecret: (namespace, name) => gateway.getSecret(namespace, name),
    readBootstrapCredential: (namespace, name) => gateway.readBootstrapCredential(namespace, name),
    apply: (obj) => gateway.apply(obj),
    createIfAbsent: (obj) => gateway.createIfAbsent(obj),
    delete: (ref) => gateway.delete(ref),
    patchCrAnnotations: (namespace, name, annotations, resourceVersion) =>
      gateway.patchCrAnnotations(namespace, name, annotations, resourceVersion),
    setReplicas: (kind, namespace, name, replicas, resourceVersion) =>
      gateway.setReplicas(kind, namespace, name, replicas, resourceVersion),
    patchPodAnnotations: (namespace, name, annotations) =>
      gateway.patchPodAnnotations(namespace, name, annotations),
    setPodCondition: (pod, condition) => gateway.setPodCondition(pod, condition),
  };
}
