import { readFileSync } from "node:fs";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { ClusterRegistryReader, parseRegistrySource } from "./ClusterRegistryReader.ts";
import type { ClusterAccessClients } from "./clusterAccess.ts";
import { AwsError, AwsErrorKind } from "./errors.ts";
import { type ClusterEntry, parseClusterRegistry } from "./registrySchema.ts";

/** The AWS clients a tool outside Lambda uses to read the registry and reach its clusters (default credential chain). */
export interface RegistryClients extends ClusterAccessClients {
  ssm: SSMClient;
}

/** Clients from the environment's default credentials, region and endpoint (`AWS_PROFILE`, `AWS_REGION`, …). */
export function defaultRegistryClients(): RegistryClients {
  return { ssm: new SSMClient({}), secretsManager: new SecretsManagerClient({}), sts: new STSClient({}) };
}

/**
 * Every cluster of the registry at `location`: `ssm:<parameter>` or `secretsmanager:<secret id>` as the functions'
 * `REGISTRY_SOURCE`, or a local file holding the same JSON document (`file:<path>` or a plain path). A bad document
 * is an `AwsError` naming the location, the field and the rule.
 */
export async function readRegistryAt(location: string, clients: RegistryClients): Promise<ClusterEntry[]> {
  if (/^(ssm|secretsmanager):/.test(location)) {
    const reader = new ClusterRegistryReader({
      source: parseRegistrySource(location),
      ssm: clients.ssm,
      secretsManager: clients.secretsManager,
    });
    return reader.list();
  }
  const path = location.replace(/^file:/, "");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AwsError(
      AwsErrorKind.InvalidRegistry,
      `Cannot read the registry file ${path}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  return parseClusterRegistry(text, path).clusters;
}
