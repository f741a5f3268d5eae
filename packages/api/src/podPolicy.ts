/**
 * The pod-template policy a platform may set per cluster: `open` applies every pod field the CR can say (the
 * operator's behaviour, so existing YAML applies unchanged); `restricted` refuses the fields that hand a pod the
 * node or more than its namespace's default identity: privileged containers, added capabilities, host ports,
 * hostPath volumes and service accounts other than the namespace's `default` (or one the policy allows). Host
 * network, PID and IPC cannot be asked for at all: the CR has no such fields.
 */
import { z } from "zod";

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
