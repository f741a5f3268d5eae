/**
 * One row of the fidelity matrix: a CR and, for every child, what the operator 2.2.30 would write. Fields left out
 * mean "the operator's default for that child" as spelled out in `children.test.ts`.
 */
import type { PodExpectation } from "./expected.ts";
import type { RenderOptions } from "./render.ts";

/** The dashboard or listeners Service of a case; `null` = not generated. */
export interface ServiceExpectation {
  ports: unknown[];
  selectorRole?: "core" | "replicant";
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Template spec fields copied as they are. */
  spec?: Record<string, unknown>;
}

/** A PDB of a case. */
export interface PdbExpectation {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  /** Template labels in the selector. */
  extraLabels?: Record<string, string>;
}

export interface FidelityCase {
  name: string;
  spec: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  options?: RenderOptions;
  /** Namespace of the CR when not the default test one. */
  namespace?: string;
  /** The core StatefulSet's pod template. */
  core: PodExpectation;
  /** The replicant ReplicaSet's pod template; absent = no ReplicaSet (no `replicantTemplate`). */
  replicant?: PodExpectation;
  /** The CR's own labels as they land on Secrets, ConfigMap, headless Service and PDBs. */
  crLabels?: Record<string, string>;
  /** The core PDB; default: no budgets, core template labels in the selector. */
  corePdb?: PdbExpectation;
  /** The replicant PDB; `null` (the default) = no replicant PDB. */
  replicantPdb?: PdbExpectation | null;
  /** The dashboard Service; default: `dashboard 18083` selecting cores. */
  dashboard?: ServiceExpectation | null;
  /** The listeners Service; default: the four header listeners selecting cores. */
  listeners?: ServiceExpectation | null;
  /** The `node_cookie` Secret value; default: the random cookie. */
  cookie?: string;
  /** The `bootstrap_api_key` lines before the controller's. */
  bootstrapLines?: string[];
}
