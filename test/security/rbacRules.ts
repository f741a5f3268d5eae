/** RBAC rules flattened to one line per grant, `<role> <apiGroup>/<resource>[:<name>] <verb>`, for allow-list diffs. */
import { parseAllDocuments } from "yaml";

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/** Every grant of every ClusterRole or Role in `yaml`, sorted. */
export function grantsOf(yaml: string): string[] {
  const roles = parseAllDocuments(yaml)
    .map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: Rule[] })
    .filter((d) => d.kind === "ClusterRole" || d.kind === "Role");
  const grants = roles.flatMap((role) =>
    (role.rules ?? []).flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.resources.flatMap((resource) =>
          (rule.resourceNames ?? [""]).flatMap((name) =>
            rule.verbs.map(
              (verb) =>
                `${role.metadata.name} ${group || "core"}/${resource}${name ? `:${name}` : ""} ${verb}`,
            ),
          ),
        ),
      ),
    ),
  );
  return [...new Set(grants)].sort();
}

/** The allow-list file: `<role>: { "<apiGroup>/<resource>[:<name>]": [verbs] }`, flattened like {@link grantsOf}. */
export function allowedGrants(allowList: Record<string, Record<string, string[]>>): string[] {
  return Object.entries(allowList)
    .flatMap(([role, resources]) =>
      Object.entries(resources).flatMap(([resource, verbs]) =>
        verbs.map((verb) => `${role} ${resource} ${verb}`),
      ),
    )
    .sort();
}
