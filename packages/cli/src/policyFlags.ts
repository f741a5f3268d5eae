/** `run`'s policy flags: `--pod-policy`, `--allow-service-account` and `--secret-refs`, checked against the api's schemas. */
import {
  type PodPolicy,
  PodPolicyMode,
  PodPolicySchema,
  type SecretRefPolicy,
  SecretRefPolicySchema,
} from "@emqx-reconciler/api";
import { CliError, type CommandArgs } from "./command.ts";

/** The policies of a `run`, or a usage error (exit code 2) naming the flag. */
export function parsePolicyFlags(args: CommandArgs): { podPolicy: PodPolicy; secretRefs: SecretRefPolicy } {
  const given = args.values["pod-policy"];
  const mode = typeof given === "string" ? given : PodPolicyMode.Open;
  const serviceAccounts = (args.values["allow-service-account"] as string[] | undefined) ?? [];
  const podPolicy = PodPolicySchema.safeParse({ mode, serviceAccounts });
  if (!podPolicy.success)
    throw new CliError(
      `run: --pod-policy must be open or restricted (got '${mode}'), --allow-service-account a non-empty name`,
      { exitCode: 2 },
    );
  const refs = args.values["secret-refs"];
  const secretRefs = SecretRefPolicySchema.safeParse(typeof refs === "string" ? refs : undefined);
  if (!secretRefs.success)
    throw new CliError(`run: --secret-refs must be annotated or any, got '${String(refs)}'`, { exitCode: 2 });
  return { podPolicy: podPolicy.data, secretRefs: secretRefs.data };
}
