/** Small builders shared by the api tests. */
export function emqxObject(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return { apiVersion: "apps.emqx.io/v2beta1", kind: "EMQX", metadata: { name: "emqx", ...metadata }, spec };
}

export const IMAGE = "emqx/emqx:6.0.1";
