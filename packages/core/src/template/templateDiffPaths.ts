import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { semanticForm } from "./semanticForm.ts";

function pathsBetween(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      pathsBetween(a[i], b[i], `${path}[${i}]`, out, limit);
    return;
  }
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
      pathsBetween(left[key], right[key], path ? `${path}.${key}` : key, out, limit);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path || "(template)");
}

/**
 * The field paths (`spec.containers[0].ports[1].hostPort`) where two pod templates differ in meaning — their
 * {@link semanticForm}s — at most `limit` of them, in a stable order. Empty exactly when `templatesDiffer` is
 * false. Paths only, never values: a template may hold secrets in `env`.
 *
 * @example templateDiffPaths(desired, live) // ["spec.serviceAccount"]
 */
export function templateDiffPaths(desired: V1PodTemplateSpec, live: V1PodTemplateSpec, limit = 10): string[] {
  const out: string[] = [];
  pathsBetween(semanticForm(desired), semanticForm(live), "", out, limit);
  return out;
}
