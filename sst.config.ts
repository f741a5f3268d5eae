/// <reference path="./.sst/platform/config.d.ts" />
/** The serverless reconciler on AWS; every resource lives in infra/*, see docs/deploy.md. */
export default $config({
  app(input) {
    return {
      name: "emqx-reconciler",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
    };
  },
  async run() {
    const { outputs } = await import("./infra/index.ts");
    return outputs;
  },
});
