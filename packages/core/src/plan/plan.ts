/**
 * `plan`: one reconcile pass of one EMQX CR as a pure function (metacontroller's shape, the operator's semantics).
 */
import {
  ConditionReason,
  EventReason,
  SecretRefPolicy,
  type ValidationIssue,
  validateEmqx,
} from "@emqx-reconciler/api";
import { ChildBuildError } from "../children/errors.ts";
import { HoconError } from "../hocon/errors.ts";
import { readConfig } from "../hocon/parse.ts";
import { parsePriorStatus } from "../status/prior.ts";
import { formatTime, millisOf } from "../status/time.ts";
import { planConverge } from "./converge.ts";
import { planMembership } from "./membership.ts";
import { podPolicyProblem } from "./podPolicy.ts";
import { noWrites, planProblem } from "./problem.ts";
import { planReplicantScaleDown } from "./replicantScaleDown.ts";
import { secretRefProblem } from "./secretRefConsent.ts";
import { planSecrets, withCredentialsGeneration } from "./secrets.ts";
import type { Plan, PlanInput } from "./types.ts";

/** How many validation issues one condition message lists. */
const MAX_ISSUES_SHOWN = 5;

function describeIssues(issues: readonly ValidationIssue[]): string {
  const shown = issues
    .slice(0, MAX_ISSUES_SHOWN)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > MAX_ISSUES_SHOWN ? `; and ${issues.length - MAX_ISSUES_SHOWN} more` : "";
  return `${shown.join("; ")}${more}`;
}

/**
 * Plans one pass: what to create, apply, delete and scale, which pod gates and annotations to change, what to tell
 * EMQX, and the status to write. No I/O, no clock, no randomness: all of it comes in through `input`.
 *
 * Everything that can fail is checked before anything is planned: an invalid spec (schema and stricter rules),
 * invalid HOCON, pod templates the cluster's pod policy forbids (reason `PodTemplateForbidden`), a referenced
 * Secret that did not consent (reason `SecretRefForbidden`), or a missing referenced Secret gives a plan with no writes at all, only the `InvalidSpec`
 * condition (reason `InvalidSpec` / `InvalidConfig`) and one Warning event. A CR being deleted gives an empty plan
 * (garbage collection removes the children).
 *
 * @example
 * const p = plan({ emqx: cr, observed, api, now: new Date(), random: { password, cookie } });
 * for (const o of p.apply) await kube.apply(o); if (p.statusChanged) await kube.patchStatus(cr, p.status);
 */
export function plan(input: PlanInput): Plan {
  const raw = input.emqx;
  const prior = parsePriorStatus(raw.status);
  if (raw.metadata.deletionTimestamp !== undefined) return noWrites(prior);
  const now = formatTime(input.now);
  const generation = raw.metadata.generation;
  const valid = validateEmqx({ ...raw, status: undefined }, input.limits);
  if (!valid.ok) {
    const problem = { reason: ConditionReason.InvalidSpec, eventReason: EventReason.InvalidSpec };
    return planProblem(
      raw.status,
      prior,
      { ...problem, message: describeIssues(valid.issues) },
      now,
      generation,
    );
  }
  const emqx = valid.emqx;
  const config = readConfig(emqx.spec.config?.data ?? "", { source: "spec.config.data" });
  if (!config.ok) {
    const message = `the .spec.config.data is not a valid HOCON config: ${config.error.message}`;
    const problem = {
      reason: ConditionReason.InvalidConfig,
      eventReason: EventReason.InvalidConfig,
      message,
    };
    return planProblem(raw.status, prior, problem, now, generation);
  }
  const forbidden = input.podPolicy && podPolicyProblem(emqx, input.podPolicy);
  if (forbidden) return planProblem(raw.status, prior, forbidden, now, generation);
  const unconsented = secretRefProblem(emqx, input.observed, input.secretRefs ?? SecretRefPolicy.Any);
  if (unconsented) return planProblem(raw.status, prior, unconsented, now, generation);
  const secrets = planSecrets(emqx, input.observed, input.random, now);
  if ("problem" in secrets) return planProblem(raw.status, prior, secrets.problem, now, generation);
  const built = withCredentialsGeneration(emqx, secrets.generation);
  try {
    const converging = planConverge({
      emqx: built,
      observed: input.observed,
      api: input.api,
      storedStatus: raw.status,
      prior,
      create: secrets.create,
      nowMs: millisOf(input.now),
    });
    const converged = planReplicantScaleDown(input, emqx, planMembership(input, emqx, converging));
    if (secrets.events.length === 0) return converged;
    return { ...converged, events: [...secrets.events, ...converged.events] };
  } catch (error) {
    if (!(error instanceof ChildBuildError || error instanceof HoconError)) throw error;
    const problem = {
      reason: ConditionReason.InvalidSpec,
      eventReason: EventReason.InvalidSpec,
      message: error.message,
    };
    return planProblem(raw.status, prior, problem, now, generation);
  }
}
