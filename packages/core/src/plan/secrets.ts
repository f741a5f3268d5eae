/**
 * The two create-only Secrets: generated once, never updated or regenerated while they exist
 * (regenerating the API key locks the reconciler out of every running pod, #1268).
 */
import {
  ANNOTATION_CREDENTIALS_GENERATION,
  ConditionReason,
  childNames,
  type Emqx,
  EventReason,
  validateEmqx,
} from "@emqx-reconciler/api";
import type { V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import { specConfig } from "../children/config.ts";
import { MissingSecretRefError } from "../children/errors.ts";
import { buildBootstrapSecret, buildCookieSecret, referencedSecretNames } from "../children/secrets.ts";
import { buildStateSecret } from "../children/stateSecret.ts";
import { nodeCookie } from "../hocon/cookie.ts";
import { chooseCredentials } from "./credentials.ts";
import type { Problem } from "./problem.ts";
import type { EmqxObject, Observed, PlanInput, PlannedEvent } from "./types.ts";

/** A missing referenced Secret can appear at any time without a hint reaching us, so look again after this. */
export const SECRET_REF_RETRY_SECONDS = 30;

function has(observed: Observed, name: string): boolean {
  return observed.secrets.some((s) => s.name === name);
}

/**
 * Names of the Secrets the workflow must read into `observed.referencedSecretValues` before calling `plan`: the
 * `bootstrapAPIKeys[].secretRef` targets, and only while the bootstrap Secret still has to be created.
 *
 * @example const names = secretRefsToRead(cr, observed); // [] once "<name>-bootstrap-api-key" exists
 */
export function secretRefsToRead(emqx: EmqxObject, observed: Pick<Observed, "secrets">): string[] {
  // Once the key Secret exists (every pass after the first), nothing is read: checked before the costlier validation.
  const name = emqx.metadata.name;
  if (name === undefined || has(observed as Observed, childNames(name).bootstrapApiKey)) return [];
  const valid = validateEmqx({ ...emqx, status: undefined });
  return valid.ok ? referencedSecretNames(valid.emqx) : [];
}

/**
 * The Secrets to create (the state copy first, then the missing generated ones, made from the values the running
 * cluster uses when they are known) and the events about them, or the problem that stops the pass (a referenced
 * Secret or key is missing).
 */
export function planSecrets(
  emqx: Emqx,
  observed: Observed,
  random: PlanInput["random"],
  now: string,
): { create: V1Secret[]; events: PlannedEvent[]; generation?: string } | { problem: Problem } {
  const names = childNames(emqx.metadata.name);
  const cookieFromConfig = nodeCookie(specConfig(emqx)) !== undefined;
  const chosen = chooseCredentials(emqx.metadata.name, observed, random, cookieFromConfig, now);
  const create: V1Secret[] = chosen.state ? [buildStateSecret(emqx, chosen.state)] : [];
  if (!has(observed, names.bootstrapApiKey)) {
    const refValues = Object.fromEntries(
      Object.entries(observed.referencedSecretValues).flatMap(([name, data]) => (data ? [[name, data]] : [])),
    );
    try {
      create.push(buildBootstrapSecret(emqx, { password: chosen.password, refValues }));
    } catch (error) {
      if (!(error instanceof MissingSecretRefError)) throw error;
      return {
        problem: {
          reason: ConditionReason.InvalidSpec,
          eventReason: EventReason.GetBootStrapSecretRef,
          message: error.message,
          requeueAfterSeconds: SECRET_REF_RETRY_SECONDS,
        },
      };
    }
  }
  if (!has(observed, names.nodeCookie)) create.push(buildCookieSecret(emqx, { randomCookie: chosen.cookie }));
  const { generation } = chosen;
  if (!generation) return { create, events: chosen.events };
  return { create: create.map((s) => withGeneration(s, generation)), events: chosen.events, generation };
}

function withGeneration(secret: V1Secret, generation: string): V1Secret {
  const annotations = { ...secret.metadata?.annotations, [ANNOTATION_CREDENTIALS_GENERATION]: generation };
  return { ...secret, metadata: { ...secret.metadata, annotations } };
}

/**
 * The CR as the children are built from it: with a credentials generation, both pod templates carry it as an
 * annotation, so a new generation replaces the pods (blue-green, like any template change) and the new ones load
 * the new API key and cookie.
 */
export function withCredentialsGeneration(emqx: Emqx, generation: string | undefined): Emqx {
  if (!generation) return emqx;
  const stamp = <T extends { metadata?: { annotations?: Record<string, string> } }>(template: T): T => ({
    ...template,
    metadata: {
      ...template.metadata,
      annotations: { ...template.metadata?.annotations, [ANNOTATION_CREDENTIALS_GENERATION]: generation },
    },
  });
  const { coreTemplate, replicantTemplate } = emqx.spec;
  return {
    ...emqx,
    spec: {
      ...emqx.spec,
      coreTemplate: stamp(coreTemplate),
      ...(replicantTemplate ? { replicantTemplate: stamp(replicantTemplate) } : {}),
    },
  };
}

/**
 * The newest credentials generation the core StatefulSets' pod templates carry: what a pass that does not list
 * Secrets (the status refresh) uses as theirs, so it builds the same templates as the reconcile.
 *
 * @example templateCredentialsGeneration(observed.statefulSets) // undefined until credentials were ever regenerated
 */
export function templateCredentialsGeneration(sets: readonly V1StatefulSet[]): string | undefined {
  const found = sets.flatMap(
    (s) => s.spec?.template?.metadata?.annotations?.[ANNOTATION_CREDENTIALS_GENERATION] ?? [],
  );
  return found.sort().at(-1);
}
