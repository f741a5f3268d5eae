/**
 * Credentials that survive a deleted Secret: which copy of the generated values a pass reads, which values a
 * missing create-only Secret is recreated with, and what the CR's events say about it (never the values).
 */
import { childNames, EventReason } from "@emqx-reconciler/api";
import type { KnownCredentials, Observed, PlannedEvent, SecretPresence } from "./types.ts";

/**
 * Where the workflow reads `observed.knownCredentials` from: `state` (`<name>-reconciler-state`) when it exists
 * and a generated Secret is missing, `generated` (the bootstrap key and cookie Secrets that exist) when the state
 * Secret is missing, nothing when all three exist (a converged CR reads no Secret value).
 *
 * @example credentialSource("emqx", observed.secrets) // undefined once all three Secrets exist
 */
export function credentialSource(
  name: string,
  secrets: readonly SecretPresence[],
): "state" | "generated" | undefined {
  const names = childNames(name);
  const has = (n: string) => secrets.some((s) => s.name === n);
  if (!has(names.reconcilerState)) return "generated";
  return has(names.bootstrapApiKey) && has(names.nodeCookie) ? undefined : "state";
}

/** The values the create-only Secrets are made from this pass, and what to record about them. */
export interface CredentialChoice {
  /** For `<name>-bootstrap-api-key` when it is missing. */
  password: string;
  /** For `<name>-node-cookie` when it is missing and `config.data` sets no `node.cookie`. */
  cookie: string;
  /** The state Secret's values when it must be created; absent when it exists or a value is unknown. */
  state?: { password: string; cookie: string };
  /**
   * The credentials generation the cluster runs with after this pass: a new one (`now`) when a value had to be
   * generated anew while pods run, else the one the existing Secrets carry (state copy first); absent for a
   * cluster whose credentials were never regenerated.
   */
  generation?: string;
  events: PlannedEvent[];
}

function hasPods(observed: Observed): boolean {
  return observed.pods.some((p) => !p.metadata?.deletionTimestamp);
}

function restored(secret: string, state: string): PlannedEvent {
  return {
    type: "Normal",
    reason: EventReason.CredentialsRestored,
    message: `Secret ${secret} was missing: recreated with the values the running pods use (kept in Secret ${state})`,
  };
}

function regenerated(secret: string, generation: string): PlannedEvent {
  return {
    type: "Warning",
    reason: EventReason.CredentialsRegenerated,
    message:
      `Secret ${secret} was missing and no copy of its values was left: created with new values ` +
      `(credentials generation ${generation}); the pods are replaced so that they load them`,
  };
}

/** The generation the existing Secrets carry, the state copy first. */
function currentGeneration(name: string, secrets: readonly SecretPresence[]): string | undefined {
  const names = childNames(name);
  const order = [names.reconcilerState, names.bootstrapApiKey, names.nodeCookie];
  for (const n of order) {
    const found = secrets.find((s) => s.name === n)?.credentialsGeneration;
    if (found) return found;
  }
  return undefined;
}

/**
 * Picks the values: a missing generated Secret gets the known value (the running cluster's) before a fresh
 * random one, and the state Secret is created with whatever the generated Secrets hold or will hold. Events: one
 * Normal `CredentialsRestored` per Secret recreated from the copy, one Warning `CredentialsRegenerated` per
 * Secret that got new values while pods of the CR run (a cookie set by `config.data` is never new: no event),
 * which also starts a new credentials generation.
 */
export function chooseCredentials(
  name: string,
  observed: Observed,
  random: { password: string; cookie: string },
  cookieFromConfig: boolean,
  now: string,
): CredentialChoice {
  const names = childNames(name);
  const has = (n: string) => observed.secrets.some((s) => s.name === n);
  const known: KnownCredentials = observed.knownCredentials ?? {};
  const password = known.password ?? random.password;
  const cookie = known.cookie ?? random.cookie;
  const stateExists = has(names.reconcilerState);
  const events: PlannedEvent[] = [];
  const missing = [names.bootstrapApiKey, names.nodeCookie].filter((n) => !has(n));
  const fromCopy = (n: string) =>
    n === names.bootstrapApiKey ? known.password !== undefined : known.cookie !== undefined;
  const renewed = missing.filter(
    (n) => !(n === names.nodeCookie && cookieFromConfig) && !(stateExists && fromCopy(n)),
  );
  const generation =
    renewed.length > 0 && hasPods(observed) ? now : currentGeneration(name, observed.secrets);
  for (const secret of missing) {
    if (secret === names.nodeCookie && cookieFromConfig) continue;
    if (stateExists && fromCopy(secret)) events.push(restored(secret, names.reconcilerState));
    else if (hasPods(observed)) events.push(regenerated(secret, now));
  }
  const state = !stateExists && password !== "" && cookie !== "" ? { password, cookie } : undefined;
  return { password, cookie, ...(state ? { state } : {}), ...(generation ? { generation } : {}), events };
}
