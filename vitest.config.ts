import { defineConfig } from "vitest/config";

/** One Vitest run for every package; end-to-end tests share one sandbox through the global setup. */
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    globalSetup: ["test/setup/sandbox.ts"],
  },
});
