/**
 * The EMQX API credential of each bootstrap-key Secret this process created, kept from the create until the first
 * pass that needs it, so that pass does not read back what it wrote a moment before. It is answered only while the
 * watch cache still holds exactly that Secret (same UID and resourceVersion: nobody replaced or changed it since),
 * and only once: later reads (after a 401, say) go to the apiserver. Held in memory only, as the EMQX API
 * factory's own credential cache is; never logged.
 */
import { type BasicCredential, decodeSecretData, findControllerCredential } from "@emqx-reconciler/adapters";
import { childNames, LABEL_INSTANCE, SECRET_KEY_BOOTSTRAP } from "@emqx-reconciler/api";
import type { ObjectCache } from "./objectCache.ts";

/** Created Secrets remembered at most (oldest dropped first); an entry normally lives for one pass. */
const LIMIT = 1024;

interface Created {
  uid: string;
  resourceVersion: string;
  credential: BasicCredential;
}

/** See the module comment. */
export interface CreatedCredentials {
  /** Remembers the credential of `secret` if it is a bootstrap-key Secret that was just created. */
  noteCreated(secret: { kind?: string; metadata?: object; data?: unknown } | undefined): void;
  /** The credential of CR `namespace/name`'s bootstrap key if this process created that Secret as it now stands. */
  take(namespace: string, name: string): BasicCredential | undefined;
}

/** Remembers created bootstrap-key credentials, checked against `cache`. */
export function createdCredentials(cache: ObjectCache): CreatedCredentials {
  const known = new Map<string, Created>();
  return {
    noteCreated(secret) {
      const meta = secret?.metadata as
        | {
            name?: string;
            namespace?: string;
            uid?: string;
            resourceVersion?: string;
            labels?: Record<string, string>;
          }
        | undefined;
      const instance = meta?.labels?.[LABEL_INSTANCE];
      if (secret?.kind !== "Secret" || !instance || meta?.name !== childNames(instance).bootstrapApiKey)
        return;
      if (!meta.namespace || !meta.uid || !meta.resourceVersion) return;
      const data = decodeSecretData(secret.data as Record<string, string> | undefined);
      const credential = findControllerCredential(data[SECRET_KEY_BOOTSTRAP] ?? "");
      if (!credential) return;
      known.set(`${meta.namespace}/${meta.name}`, {
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        credential,
      });
      if (known.size > LIMIT) known.delete(known.keys().next().value as string);
    },
    take(namespace, name) {
      const key = `${namespace}/${childNames(name).bootstrapApiKey}`;
      const entry = known.get(key);
      if (!entry) return undefined;
      known.delete(key);
      const live = cache.get("Secret", namespace, childNames(name).bootstrapApiKey)?.metadata;
      const same = live?.uid === entry.uid && live?.resourceVersion === entry.resourceVersion;
      return same ? entry.credential : undefined;
    },
  };
}
