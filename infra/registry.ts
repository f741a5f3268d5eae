/**
 * The cluster registry parameter (SecureString). Deployed empty; its value is the operator's to set (docs/deploy.md),
 * so later deploys never overwrite it.
 */
export const registryParameter = new aws.ssm.Parameter(
  "ClusterRegistry",
  {
    name: `/emqx-reconciler/${$app.stage}/clusters`,
    type: "SecureString",
    value: JSON.stringify({ clusters: [] }),
    description: "emqx-reconciler cluster registry (JSON, see docs/deploy.md)",
  },
  { ignoreChanges: ["value"] },
);

/** `REGISTRY_SOURCE` for the functions. */
export const registrySource = $interpolate`ssm:${registryParameter.name}`;
