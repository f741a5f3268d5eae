/**
 * The system under test: every child our builders make for one CR, as plain JSON (what goes on the wire).
 */
import { type Emqx, EmqxSchema } from "@emqx-reconciler/api";
import { buildAllChildren, type SecretRefValues } from "../../src/children/index.ts";
import { IMAGE, NAME, NAMESPACE, UID } from "./operator.ts";

/** Stand-ins for the caller's random values. */
export const PASSWORD = `${"a".repeat(54)}0123456789`;
export const RANDOM_COOKIE = `${"b".repeat(54)}9876543210`;

/** A CR as the apiserver returns it (CRD defaults applied by the schema). */
export function cr(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Emqx {
  return EmqxSchema.parse({
    apiVersion: "apps.emqx.io/v2beta1",
    kind: "EMQX",
    metadata: { name: NAME, namespace: NAMESPACE, uid: UID, ...metadata },
    spec: { image: IMAGE, ...spec },
  });
}

/** Inputs the workflow supplies besides the CR. */
export interface RenderOptions {
  liveConfig?: string;
  useReplicantSelector?: boolean;
  refValues?: SecretRefValues;
}

/** Every child, keyed by role; absent ones are `undefined`. */
export interface Rendered {
  cookie: unknown;
  bootstrap: unknown;
  headless: unknown;
  configMap: unknown;
  core: { metadata: { labels: Record<string, string> } } & Record<string, unknown>;
  replicant?: { metadata: { labels: Record<string, string> } } & Record<string, unknown>;
  corePdb: unknown;
  replicantPdb?: unknown;
  dashboard?: unknown;
  listeners?: unknown;
}

const json = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export function render(emqx: Emqx, o: RenderOptions = {}): Rendered {
  return json(buildAllChildren(emqx, { ...o, password: PASSWORD, cookie: RANDOM_COOKIE })) as Rendered;
}

/** The hash a set was named with (not reproducible outside Go, so taken from the set itself). */
export function hashOf(set: { metadata: { labels: Record<string, string> } } | undefined): string {
  return set?.metadata.labels["apps.emqx.io/pod-template-hash"] ?? "";
}
