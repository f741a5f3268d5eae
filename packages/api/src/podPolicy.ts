/**
 * The pod-template policy a platform may set per cluster: `open` applies every pod field the CR can say (the
 * operator's behaviour, so existing YAML applies unchanged); `restricted` refuses the fields that hand a pod the
 * node or more than its namespace's default identity: privileged containers, added capabilities, host ports,
 * hostPath volumes and service accounts other than the namespace's `default` (or one the policy allows). Host
 * network, PID and IPC cannot be asked for at all: the CR has no such fields.
 */
import * as z from "zod";

/** How much of the CR's pod templates the reconciler applies. */
export const PodPolicyMode = {
  /** Everything the CR says, as the operator does. */
  Open: "open",
  /** Refuses privileged containers, added capabilities, host ports, hostPath volumes and other service accounts. */
  Restricted: "restricted",
} as const;
export type PodPolicyMode = (typeof PodPolicyMode)[keyof typeof PodPolicyMode];

/** The one capability a restricted policy lets a container add (binding a port below 1024). */
export const ALLOWED_ADDED_CAPABILITIES: readonly string[] = ["NET_BIND_SERVICE"];

/** A pod-template policy, as a registry entry (`podPolicy`) or `run --pod-policy` gives it. */
export const PodPolicySchema = z
  .object({
    mode: z.enum([PodPolicyMode.Open, PodPolicyMode.Restricted]).default(PodPolicyMode.Open),
    /** Service accounts a restricted policy allows besides the namespace's `default`. */
    serviceAccounts: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type PodPolicy = z.output<typeof PodPolicySchema>;

/** The default: `open`, the operator's behaviour (a platform opts in to `restricted`). */
export const OPEN_POD_POLICY: Readonly<PodPolicy> = Object.freeze({
  mode: PodPolicyMode.Open,
  serviceAccounts: [],
});

/**
 * The annotation by which a Secret consents to be read by `bootstrapAPIKeys[].secretRef` of the EMQX CRs it names
 * (comma-separated CR names of its namespace). Without it, a CR could have the reconciler copy any Secret of the
 * namespace into its bootstrap key Secret, and use it as an EMQX API key.
 */
export const ANNOTATION_BOOTSTRAP_KEY_FOR = "apps.emqx.io/bootstrap-api-key-for";

/** Which Secrets `bootstrapAPIKeys[].secretRef` may read. */
export const SecretRefPolicy = {
  /** Only Secrets annotated `apps.emqx.io/bootstrap-api-key-for: <cr name>` (opt-in, for multi-tenant platforms). */
  Annotated: "annotated",
  /** Any Secret of the CR's namespace, as the operator does (the default: existing CRs apply unchanged). */
  Any: "any",
} as const;
export type SecretRefPolicy = (typeof SecretRefPolicy)[keyof typeof SecretRefPolicy];

/** `run --secret-refs` and a registry entry's `secretRefs`. */
export const SecretRefPolicySchema = z
  .enum([SecretRefPolicy.Annotated, SecretRefPolicy.Any])
  .default(SecretRefPolicy.Any);
