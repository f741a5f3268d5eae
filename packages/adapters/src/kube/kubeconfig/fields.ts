/**
 * Typed reads of kubeconfig fields. Every message names the source, the entry and the field, and never the
 * field's value (it may be a credential).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { KubeconfigError } from "./KubeconfigError.ts";
import type { KubeconfigEntry } from "./parse.ts";

/** True for a plain mapping (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One entry being read, with the path used in messages: `users["alice"]`. */
export interface EntryReader {
  entry: KubeconfigEntry;
  /** `kubeconfig /path: users["alice"]`. */
  where: string;
}

/** A reader for `section[name]` of its source. */
export function entryReader(section: string, name: string, entry: KubeconfigEntry): EntryReader {
  return { entry, where: `${entry.source.label}: ${section}[${JSON.stringify(name)}]` };
}

/** The error for one field breaking one rule. */
export function fieldError(r: EntryReader, field: string, rule: string, cause?: unknown): KubeconfigError {
  return new KubeconfigError(`${r.where}.${field}: ${rule}`, cause === undefined ? undefined : { cause });
}

/** True when the field is present (null counts as absent, as in kubectl). */
export function has(r: EntryReader, field: string): boolean {
  const value = r.entry.fields[field];
  return value !== undefined && value !== null && value !== "";
}

/** An optional string field. */
export function optionalString(r: EntryReader, field: string): string | undefined {
  const value = r.entry.fields[field];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw fieldError(r, field, "must be a string");
  return value;
}

/** An optional boolean field. */
export function optionalBoolean(r: EntryReader, field: string): boolean | undefined {
  const value = r.entry.fields[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw fieldError(r, field, "must be true or false");
  return value;
}

/** A path field resolved against the folder of the kubeconfig that defined the entry. */
export function resolvePath(r: EntryReader, path: string): string {
  return resolve(r.entry.source.dir ?? ".", path);
}

/** Reads a file a field points at (path relative to the kubeconfig's folder). */
export function readFieldFile(r: EntryReader, field: string, path: string): string {
  const full = resolvePath(r, path);
  try {
    return readFileSync(full, "utf8");
  } catch (error) {
    throw fieldError(
      r,
      field,
      `cannot read ${full} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      error,
    );
  }
}

/** Decodes a `*-data` field: base64 of PEM text. */
export function decodePem(r: EntryReader, field: string, base64: string): string {
  const text = Buffer.from(base64, "base64").toString("utf8");
  if (!text.includes("-----BEGIN")) throw fieldError(r, field, "must be base64-encoded PEM");
  return text;
}

/**
 * PEM material given inline (`<name>-data`, base64) or as a file (`<name>`); the inline form wins when both are
 * set, as in kubectl.
 */
export function pemField(r: EntryReader, name: string): string | undefined {
  const data = optionalString(r, `${name}-data`);
  if (data !== undefined) return decodePem(r, `${name}-data`, data);
  const path = optionalString(r, name);
  return path === undefined ? undefined : readFieldFile(r, name, path);
}
