/**
 * One `coordination.k8s.io/v1` Lease read and written as a whole: create-only and resourceVersion-guarded replace,
 * so two processes racing for it cannot both win.
 */
import { FIELD_MANAGER, isoTime } from "@emqx-reconciler/api";
import { isKubeError, KubeErrorKind } from "./errors.ts";
import type { KubeHttp } from "./KubeHttp.ts";
import { getObject } from "./reads.ts";
import { RESOURCES, resourcePath } from "./resources.ts";

/** The Lease's `spec` (times are RFC 3339 with microseconds, the apiserver's `MicroTime`). */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** A Lease as stored: its spec and the resourceVersion a replace must carry. */
export interface StoredLease {
  resourceVersion: string;
  spec: LeaseSpec;
}

/** `2026-12-02T07:48:37.123000Z`: a time as the apiserver's `MicroTime` field wants it. */
export function microTime(date: Date): string {
  return isoTime(date).replace(/\.(\d{3})Z$/, ".$1000Z");
}

function stored(body: { metadata?: { resourceVersion?: string }; spec?: LeaseSpec }): StoredLease {
  return { resourceVersion: body.metadata?.resourceVersion ?? "", spec: body.spec ?? {} };
}

/** Reads and writes the Lease `namespace/name`. */
export class LeaseStore {
  private readonly http: KubeHttp;
  readonly namespace: string;
  readonly name: string;

  constructor(http: KubeHttp, namespace: string, name: string) {
    this.http = http;
    this.namespace = namespace;
    this.name = name;
  }

  /** The Lease, or `undefined` when there is none. */
  async get(): Promise<StoredLease | undefined> {
    const body = await getObject(this.http, "Lease", this.namespace, this.name);
    return body ? stored(body as { metadata?: { resourceVersion?: string }; spec?: LeaseSpec }) : undefined;
  }

  /** Creates the Lease; `undefined` when another process created it first. */
  async create(spec: LeaseSpec): Promise<StoredLease | undefined> {
    const { namespace, name } = this;
    try {
      const res = await this.http.send<{ metadata?: { resourceVersion?: string }; spec?: LeaseSpec }>({
        verb: "create",
        label: { verb: "CREATE", resource: "leases", namespace, name },
        path: resourcePath(RESOURCES.Lease, { namespace }),
        query: { fieldManager: FIELD_MANAGER },
        body: { apiVersion: RESOURCES.Lease.apiVersion, kind: "Lease", metadata: { name, namespace }, spec },
      });
      return stored(res.body);
    } catch (error) {
      if (isKubeError(error, KubeErrorKind.Conflict)) return undefined;
      throw error;
    }
  }

  /** Replaces the Lease if it is still at `resourceVersion`; `undefined` when it changed (or vanished) since. */
  async replace(resourceVersion: string, spec: LeaseSpec): Promise<StoredLease | undefined> {
    const { namespace, name } = this;
    try {
      const res = await this.http.send<{ metadata?: { resourceVersion?: string }; spec?: LeaseSpec }>({
        verb: "update",
        label: { verb: "UPDATE", resource: "leases", namespace, name },
        path: resourcePath(RESOURCES.Lease, { namespace, name }),
        query: { fieldManager: FIELD_MANAGER },
        body: {
          apiVersion: RESOURCES.Lease.apiVersion,
          kind: "Lease",
          metadata: { name, namespace, resourceVersion },
          spec,
        },
      });
      return stored(res.body);
    } catch (error) {
      if (isKubeError(error, KubeErrorKind.Conflict) || isKubeError(error, KubeErrorKind.NotFound))
        return undefined;
      throw error;
    }
  }
}
