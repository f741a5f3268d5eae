/**
 * The cluster registry: which clusters the functions serve and how to reach each. It lives in the reconciler's own
 * account (SSM Parameter Store or Secrets Manager) and is never taken from an event.
 */
import { OPEN_POD_POLICY, PodPolicySchema, SecretRefPolicySchema } from "@emqx-reconciler/api";
import * as z from "zod";
import { AwsError, AwsErrorKind } from "./errors.ts";

/** Cluster ids are one segment of the CR key `cluster/namespace/name`, so no `/`. */
const ClusterIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1–63 letters, digits, '.', '_' or '-', no '/'");

/** EKS: a token from a presigned STS `GetCallerIdentity`, optionally as a role in the cluster's account. */
export const EksAuthSchema = z
  .object({
    type: z.literal("eks"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1"),
    clusterName: z.string().min(1).max(100),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN")
      .optional()
      .describe("Assumed before signing; absent: the function's own role signs."),
    externalId: z
      .string()
      .min(2)
      .max(1224)
      .optional()
      .describe("Passed to AssumeRole (confused-deputy guard)."),
  })
  .refine((auth) => auth.externalId === undefined || auth.roleArn !== undefined, {
    message: "externalId needs roleArn",
    path: ["externalId"],
  });

/** A kubeconfig with static credentials (token or client certificate) held in Secrets Manager. */
export const KubeconfigAuthSchema = z.object({
  type: z.literal("kubeconfig"),
  secretArn: z.string().min(1),
  /** @default the kubeconfig's current context */
  context: z.string().min(1).optional(),
});

/** How the functions reach each CR's EMQX API; `url` needs the base URL. */
export const EmqxAccessSchema = z
  .object({
    endpointMode: z.enum(["pod-ip", "service", "apiserver-proxy", "url"]).default("pod-ip"),
    url: z.url().optional(),
  })
  .refine((a) => a.endpointMode !== "url" || a.url !== undefined, {
    message: "required when endpointMode is url",
    path: ["url"],
  });

/**
 * Kubernetes requests per second per cluster and process: 20 qps / 30 burst by default, the client rate the EMQX
 * Operator 2.2 runs with (controller-runtime's defaults of its release). client-go's bare 5 / 10 assumes reads
 * served by an informer cache; a function holds none and reads the CR and one list per owned kind in every pass,
 * so at 5 / 10 a new CR's first pass (about 20 requests) waited 2 s for tokens and the seed example took 15 s to
 * Ready through the AWS path instead of 2.0 s. Lower it for a small control plane: the rate a cluster sees is
 * this times the containers working on it at once (docs/deploy.md, "Per-cluster request rate").
 */
export const DEFAULT_RATE_LIMIT = { qps: 20, burst: 30 } as const;

/** Kubernetes requests per second per cluster ({@link DEFAULT_RATE_LIMIT} unless the entry says otherwise). */
export const RateLimitSchema = z.object({
  qps: z.number().positive().max(1000).default(DEFAULT_RATE_LIMIT.qps),
  burst: z.int().min(1).max(1000).default(DEFAULT_RATE_LIMIT.burst),
});

/** One registered cluster. */
export const ClusterEntrySchema = z
  .object({
    id: ClusterIdSchema,
    apiEndpoint: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("Required for eks; kubeconfig brings its own."),
    caData: z
      .string()
      .min(1)
      .optional()
      .describe("Base64 PEM of the cluster CA (EKS certificateAuthority.data)."),
    auth: z.discriminatedUnion("type", [EksAuthSchema, KubeconfigAuthSchema]),
    emqx: EmqxAccessSchema.default({ endpointMode: "pod-ip" }),
    rateLimit: RateLimitSchema.default(DEFAULT_RATE_LIMIT),
    namespaces: z
      .array(z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a namespace name"))
      .min(1)
      .optional()
      .describe(
        "Namespaces served (and watched); absent: all. Needed when Secrets are granted per namespace.",
      ),
    podPolicy: PodPolicySchema.default(OPEN_POD_POLICY).describe(
      "Pod-template policy: mode open (default, the operator's behaviour) or restricted (refuses privileged containers, added capabilities, host ports, hostPath volumes and service accounts other than default or serviceAccounts).",
    ),
    secretRefs: SecretRefPolicySchema.describe(
      "Which Secrets bootstrapAPIKeys[].secretRef may read: any (default, the operator's behaviour) or annotated (only Secrets annotated apps.emqx.io/bootstrap-api-key-for: <cr name>).",
    ),
  })
  .superRefine((entry, ctx) => {
    if (entry.auth.type !== "eks") return;
    if (!entry.apiEndpoint?.startsWith("https://"))
      ctx.addIssue({ code: "custom", path: ["apiEndpoint"], message: "required for eks auth, https://" });
    if (!entry.caData) ctx.addIssue({ code: "custom", path: ["caData"], message: "required for eks auth" });
  });
/** A registered cluster, defaults applied. */
export type ClusterEntry = z.output<typeof ClusterEntrySchema>;

/** The registry document. */
export const ClusterRegistrySchema = z
  .object({ clusters: z.array(ClusterEntrySchema) })
  .superRefine((registry, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of registry.clusters.entries()) {
      if (seen.has(c.id))
        ctx.addIssue({ code: "custom", path: ["clusters", i, "id"], message: `duplicate id ${c.id}` });
      seen.add(c.id);
    }
  });
/** A parsed registry. */
export type ClusterRegistry = z.output<typeof ClusterRegistrySchema>;

/** `["clusters", 0, "auth", "region"]` → `clusters[0].auth.region`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out === "" ? String(key) : `${out}.${String(key)}`;
  }, "");
}

/** Parses registry text; a bad document is an `AwsError` naming `where`, the field and the rule. */
export function parseClusterRegistry(text: string, where: string): ClusterRegistry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AwsError(AwsErrorKind.InvalidRegistry, `Cluster registry ${where} is not JSON.`, {
      cause: error,
    });
  }
  const parsed = ClusterRegistrySchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${formatPath(i.path) || "(root)"}: ${i.message}`);
  throw new AwsError(
    AwsErrorKind.InvalidRegistry,
    `Cluster registry ${where} is invalid: ${problems.join("; ")}`,
  );
}
