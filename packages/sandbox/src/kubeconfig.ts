/** The sandbox's kubeconfig: self-contained (certificates embedded), so it can be copied or read by any client. */
import { readFile, writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import type { SandboxCertificates } from "./certs.ts";

/** What a kubeconfig needs to know about the sandbox. */
export interface KubeconfigInput {
  /** Sandbox name; becomes the cluster, user and context name `emqx-sandbox-<name>`. */
  name: string;
  apiserverUrl: string;
  certificates: SandboxCertificates;
}

const base64 = async (path: string): Promise<string> => (await readFile(path)).toString("base64");

/** Writes a kubeconfig for the sandbox's admin user (`system:masters`) to `path`. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  const id = `emqx-sandbox-${input.name}`;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: id,
        cluster: {
          server: input.apiserverUrl,
          "certificate-authority-data": await base64(input.certificates.caCert),
        },
      },
    ],
    users: [
      {
        name: id,
        user: {
          "client-certificate-data": await base64(input.certificates.adminCert),
          "client-key-data": await base64(input.certificates.adminKey),
        },
      },
    ],
    contexts: [{ name: id, context: { cluster: id, user: id, namespace: "default" } }],
    "current-context": id,
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}
