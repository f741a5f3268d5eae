/**
 * Every Lambda handler of the package, by file name: `packages/functions/src/<name>.handler`. The infra, the bundle
 * script and the topology test all read this list, so a handler cannot be declared without existing.
 */
export const HANDLER_NAMES = ["admit", "reconcile", "requeue", "status", "forwarder", "scale"] as const;
/** A handler's name. */
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** The handler path SST's `sst.aws.Function` takes for `name`, relative to the repo root. */
export function handlerPath(name: HandlerName): string {
  return `packages/functions/src/${name}.handler`;
}

/**
 * esbuild settings of every function, given to SST by the infra (`nodejs.splitting`, `nodejs.esbuild`) and used by
 * the bundle script: code-split, so what a handler loads with `import()` (the YAML parser of clusters registered
 * by kubeconfig, the EKS token signer) is a chunk read only when that path runs; and `esbuildDetection` defined,
 * which makes undici leave out its second (experimental) HTTP/1 parser, as Node's own build of undici does.
 */
export const LAMBDA_ESBUILD = {
  splitting: true,
  define: { esbuildDetection: "true" },
} as const;
