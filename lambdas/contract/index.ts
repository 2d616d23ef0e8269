// The contract between the stack (lib/), the functions (lambdas/) and the local pipeline (local/): names,
// defaults, ranges, metrics and messages both sides must agree on. Dependency-free on purpose.
export * from "./ledger";
export * from "./messages";
export * from "./metrics";
export * from "./patterns";
export * from "./settings";
