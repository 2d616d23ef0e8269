// What API Gateway writes per request to the access log: one short JSON line, the one record every request leaves
// at the default log levels (a single-event POST /events that went through writes no function line). Logs are
// billed by the byte, so the keys are short and only what troubleshooting needs is kept: which request, when,
// which route, the answer and its latency. Never the source IP (a personal identifier) or a body.
// bench/cost.ts prices these formats as they are.

const COMMON = {
  requestId: "$context.requestId",
  /** Milliseconds since the epoch: shorter than the CLF time and sorts as it reads. */
  time: "$context.requestTimeEpoch",
  status: "$context.status",
  /** What the caller waited, in ms. */
  ms: "$context.responseLatency",
  bytes: "$context.responseLength",
} as const;

/** REST API: the authorizer's and the integration's errors are in the execution log (ERROR level). */
export const REST_ACCESS_LOG_FIELDS = {
  ...COMMON,
  route: "$context.httpMethod $context.resourcePath",
} as const;

/** HTTP API: it has no execution log, so the authorizer's and the integration's errors are here ("-" when none). */
export const HTTP_ACCESS_LOG_FIELDS = {
  ...COMMON,
  route: "$context.routeKey",
  authorizerError: "$context.authorizer.error",
  integrationError: "$context.integrationErrorMessage",
} as const;

export const accessLogFormat = (fields: Record<string, string>): string => JSON.stringify(fields);
