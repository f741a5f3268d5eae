/**
 * Every verb of the CLI, in the order `--help` lists them. Each lives in its own file in this folder and is loaded
 * only when called, so a quick verb (`crd`, `sandbox kubeconfig`) does not pay for the imports of `run`.
 */
import type { Command } from "../command.ts";

/** A verb as `--help` lists it, and how to load it. */
export interface Verb {
  name: string;
  /** One line for the verb list. */
  summary: string;
  load(): Promise<{ default: Command }>;
}

export const verbs: Verb[] = [
  {
    name: "crd",
    summary: "Print the EMQX CustomResourceDefinition (apps.emqx.io/v2beta1) as YAML",
    load: () => import("./crd.ts"),
  },
  {
    name: "plan",
    summary: "Print, offline, every child object the reconciler creates for an EMQX CR",
    load: () => import("./plan.ts"),
  },
  {
    name: "rbac",
    summary: "Print the ClusterRoles and bindings the Lambda functions need in a cluster (YAML)",
    load: () => import("./rbac.ts"),
  },
  {
    name: "run",
    summary: "Run the reconciler in this process against one cluster (a kubeconfig context or the sandbox)",
    load: () => import("./run.ts"),
  },
  {
    name: "status",
    summary:
      "One table of every EMQX CR of every cluster (kubeconfig contexts or the sandbox): phase, counts, why not Ready",
    load: () => import("./status.ts"),
  },
  {
    name: "scale",
    summary: "Set an EMQX CR's replicants or cores (N, +N, -N) through the guarded scale path",
    load: () => import("./scale.ts"),
  },
  {
    name: "start",
    summary:
      "npm start: sandbox up, CRD installed, the seed example applied, the reconciler running until Ctrl-C",
    load: () => import("./start.ts"),
  },
  {
    name: "sandbox",
    summary:
      "Run a local control plane (etcd, kube-apiserver, controllers, kwok nodes) and the EMQX API emulator",
    load: () => import("./sandbox.ts"),
  },
];
