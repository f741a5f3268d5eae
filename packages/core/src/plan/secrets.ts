/**
 * The two create-only Secrets: generated once, never updated or regenerated while they exist
 * (regenerating the API key locks the reconciler out of every running pod, #1268).
 */
import { ConditionReason, childNames, type Emqx, EventReason, validateEmqx } from "@emqx-reconciler/api";
import type { V1Secret } from "@kubernetes/client-node";
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
  const valid = validateEmqx({ ...emqx, status: undefined });
  if (!valid.ok || has(observed as Observed, childNames(valid.emqx.metadata.name).bootstrapApiKey)) return [];
  return referencedSecretNames(valid.emqx);
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
): { create: V1Secret[]; events: PlannedEvent[] } | { problem: Problem } {
  const names = childNames(emqx.metadata.name);
  const cookieFromConfig = nodeCookie(specConfig(emqx)) !== undefined;
  const chosen = chooseCredentials(emqx.metadata.name, observed, random, cookieFromConfig);
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
  return { create, events: chosen.events };
}
