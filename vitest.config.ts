import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CDK synthesis bundles handlers with esbuild and end-to-end tests move thousands of events:
    // generous per-test budgets, no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The SDK's notice that releases after January 2027 need Node 22 is for users, not for test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
