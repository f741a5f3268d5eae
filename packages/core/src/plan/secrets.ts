/**
 * The two create-only Secrets: generated once, never updated or regenerated while they exist
 * (regenerating the API key locks the reconciler out of every running pod, #1268).
 */
import { ConditionReason, childNames, type Emqx, EventReason, validateEmqx } from "@emqx-reconciler/api";
import type { V1Secret } from "@kubernetes/client-node";
import { MissingSecretRefError } from "../children/errors.ts";
import { buildBootstrapSecret, buildCookieSecret, referencedSecretNames } from "../children/secrets.ts";
import type { Problem } from "./problem.ts";
import type { EmqxObject, Observed, PlanInput } from "./types.ts";

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
  const valid = validateEmqx({ ...emqx, status: undefined });
  if (!valid.ok || has(observed as Observed, childNames(valid.emqx.metadata.name).bootstrapApiKey)) return [];
  return referencedSecretNames(valid.emqx);
}

/** The Secrets to create, or the problem that stops the pass (a referenced Secret or key is missing). */
export function planSecrets(
  emqx: Emqx,
  observed: Observed,
  random: PlanInput["random"],
): { create: V1Secret[] } | { problem: Problem } {
  const names = childNames(emqx.metadata.name);
  const create: V1Secret[] = [];
  if (!has(observed, names.bootstrapApiKey)) {
    const refValues = Object.fromEntries(
      Object.entries(observed.referencedSecretValues).flatMap(([name, data]) => (data ? [[name, data]] : [])),
    );
    try {
      create.push(buildBootstrapSecret(emqx, { password: random.password, refValues }));
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
  if (!has(observed, names.nodeCookie)) create.push(buildCookieSecret(emqx, { randomCookie: random.cookie }));
  return { create };
}
