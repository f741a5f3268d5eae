import { defineConfig } from "vitest/config";

/** `npm run e2e:aws`: the AWS path end to end (moto + the test run's sandbox), also part of `npm test` (about 30 s once the sandbox runs). */
export default defineConfig({
  test: {
    include: ["test/aws/e2e/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    globalSetup: ["test/setup/sandbox.ts"],
  },
});
