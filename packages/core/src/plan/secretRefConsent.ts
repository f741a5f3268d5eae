/**
 * Consent of the Secrets a CR's `bootstrapAPIKeys[].secretRef` names: unless the cluster's policy is `any`, a
 * referenced Secret is read into the bootstrap key Secret only when its `apps.emqx.io/bootstrap-api-key-for`
 * annotation names the CR. Pure: the CR, what was observed and the policy in, the problem out.
 */
import {
  ANNOTATION_BOOTSTRAP_KEY_FOR,
  ConditionReason,
  type Emqx,
  EventReason,
  SecretRefPolicy,
} from "@emqx-reconciler/api";
import { referencedSecretNames } from "../children/secrets.ts";
import type { Problem } from "./problem.ts";
import { SECRET_REF_RETRY_SECONDS } from "./secrets.ts";
import type { Observed } from "./types.ts";

/**
 * The referenced Secrets that exist but do not consent to `emqx` (read only while the bootstrap Secret must be
 * created, so a running cluster is never affected); empty under the `any` policy.
 *
 * @example unconsentedSecrets(cr, observed, "annotated") // ["db-password"]
 */
export function unconsentedSecrets(emqx: Emqx, observed: Observed, policy: SecretRefPolicy): string[] {
  if (policy === SecretRefPolicy.Any) return [];
  return referencedSecretNames(emqx).filter((name) => {
    if (!observed.referencedSecretValues[name]) return false;
    const names = (observed.referencedSecretConsent?.[name] ?? "").split(",").map((n) => n.trim());
    return !names.includes(emqx.metadata.name);
  });
}

/** The problem that stops a pass whose secretRefs name Secrets that did not consent, or `undefined`. */
export function secretRefProblem(
  emqx: Emqx,
  observed: Observed,
  policy: SecretRefPolicy,
): Problem | undefined {
  const refused = unconsentedSecrets(emqx, observed, policy);
  if (refused.length === 0) return undefined;
  const quoted = refused.map((n) => `"${n}"`).join(", ");
  return {
    reason: ConditionReason.SecretRefForbidden,
    eventReason: EventReason.SecretRefForbidden,
    message:
      `spec.bootstrapAPIKeys[].secretRef names Secret ${quoted}, which does not consent: annotate it ` +
      `${ANNOTATION_BOOTSTRAP_KEY_FOR}: "${emqx.metadata.name}" (or serve the cluster with the secretRefs policy ` +
      '"any"); nothing was created',
    // An annotation added later reaches no watch of ours (the Secret is not the CR's child): look again.
    requeueAfterSeconds: SECRET_REF_RETRY_SECONDS,
  };
}
