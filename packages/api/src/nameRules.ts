/**
 * Limits on the CR name, derived from the names of its children: a name that is valid for the CR but makes a child
 * name invalid would only fail later, half-created (the operator then loops on `ReconcilerFailed`).
 */
import { childNames, POD_TEMPLATE_HASH_LENGTH } from "./names.ts";

/** Kubernetes' DNS-1035 label: Service names must match it, and every Service name starts with the CR name. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MAX = 63;
/** Random suffix the ReplicaSet controller adds to pod names. */
const GENERATED_SUFFIX = "-xxxxx";

interface DerivedName {
  what: string;
  name: string;
  max: number;
  why: string;
}

function derivedNames(name: string, maxReplicas: number): DerivedName[] {
  const hash = "h".repeat(POD_TEMPLATE_HASH_LENGTH);
  const names = childNames(name);
  const service = (what: string, svc: string) => ({
    what,
    name: svc,
    max: DNS_LABEL_MAX,
    why: "a DNS-1035 label",
  });
  return [
    {
      what: "core StatefulSet",
      name: names.coreSet(hash),
      max: 52,
      why: "the StatefulSet controller adds <set>-<hash> as a 63-character label",
    },
    {
      what: "core pod",
      name: `${names.coreSet(hash)}-${Math.max(0, maxReplicas - 1)}`,
      max: DNS_LABEL_MAX,
      why: "a pod name is its host name",
    },
    {
      what: "replicant pod",
      name: `${names.replicantSet(hash)}${GENERATED_SUFFIX}`,
      max: DNS_LABEL_MAX,
      why: "the ReplicaSet controller truncates longer names",
    },
    service("headless Service", names.headless),
    service("dashboard Service", names.dashboard),
    service("listeners Service", names.listeners),
  ];
}

/** The longest CR name whose every child name fits. */
export function maxEmqxNameLength(maxReplicas: number): number {
  return Math.min(...derivedNames("", maxReplicas).map((d) => d.max - d.name.length));
}

/**
 * Problems with `name` as the name of an EMQX CR, each a sentence naming the rule; empty when the name is fine.
 *
 * @example checkEmqxName("emqx", 100) // []
 */
export function checkEmqxName(name: string, maxReplicas: number): string[] {
  const problems: string[] = [];
  if (!DNS_1035_LABEL.test(name)) {
    problems.push(
      `"${name}" must start with a lowercase letter and contain only lowercase letters, digits and '-', ending with a letter or digit, because Service names are made from it`,
    );
  }
  const tooLong = derivedNames(name, maxReplicas).find((d) => d.name.length > d.max);
  if (tooLong) {
    const shown = tooLong.name
      .replace("h".repeat(POD_TEMPLATE_HASH_LENGTH), `<${POD_TEMPLATE_HASH_LENGTH}-char hash>`)
      .replace(GENERATED_SUFFIX, "-<5 random>");
    problems.push(
      `"${name}" is too long: the ${tooLong.what} name "${shown}" would have ${tooLong.name.length} characters, more than ${tooLong.max} (${tooLong.why}); use at most ${maxEmqxNameLength(maxReplicas)} characters`,
    );
  }
  return problems;
}
