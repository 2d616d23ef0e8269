import { defineConfig } from "vitest/config";

// Two tiers: `unit` (the core, the handlers against the embedded SQS server, the CDK templates: about a minute)
// and `e2e` (the whole local pipeline, the CLIs, the ledger's storage, property tests, load: minutes). `npm test`
// runs both.
export const UNIT_TESTS = [
  "test/core/**",
  "test/contract/**",
  "test/docs/**",
  "test/handlers/**",
  "test/woocommerce/**",
  "test/cdk/**",
  "test/local/**",
];
// The CLI and ledger tests run real move tasks, subprocesses and client timeouts against embedded servers:
// seconds each, so they run with the end-to-end tier.
export const E2E_TESTS = ["test/e2e/**", "test/fuzz/**", "test/cli/**", "test/ledger/**"];

export default defineConfig({
  test: {
    // CDK synthesis bundles handlers with esbuild and end-to-end tests move thousands of events:
    // generous per-test budgets, no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The SDK's notice that releases after January 2027 need Node 22 is for users, not for test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    projects: [
      // The unit tier shares one module cache per worker (isolate: false): aws-cdk-lib is imported once per
      // worker instead of once per file, which is most of this tier's time. Its tests keep no global state.
      { extends: true, test: { name: "unit", include: UNIT_TESTS.map((dir) => `${dir}/*.test.ts`), isolate: false } },
      { extends: true, test: { name: "e2e", include: E2E_TESTS.map((dir) => `${dir}/*.test.ts`) } },
    ],
  },
});
