import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CDK synthesis bundles handlers with esbuild and end-to-end tests move thousands of events:
    // generous per-test budgets, no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
