// What a caller reads when the API answers by itself (API Gateway's gateway responses) or through a
// function: the same words in AWS and locally.

export const GATEWAY_MESSAGES = {
  unauthorized: "missing or invalid API key: send the header 'Authorization: Bearer <key>'",
  /** When the keys cannot be read: a 503, so the caller retries rather than doubting its key. */
  authorizerFailure: "the relay cannot check API keys right now; retry later",
  badRequestBody: 'body must be one JSON event object or {"data": [events]}',
  tooLarge: "request body too large: API Gateway accepts at most 10 MB; post fewer events per request",
  throttled: "too many requests: slow down and retry (the relay's API throttling limits were reached)",
  noRoute: "no such route: the relay answers POST /events, POST /woocommerce and GET /health",
} as const;

/** What GET /health answers, in AWS (a mock integration) and locally. */
export const HEALTH_BODY = { ok: true } as const;

/** Routes of the relay's API, the same on every edge (REST API, local server). */
export const ROUTES = {
  /** Unauthenticated liveness check: answers {"ok": true} and nothing else (no data, no function run). */
  health: "/health",
  events: "/events",
  woocommerce: "/woocommerce",
} as const;

/** One tenant's WooCommerce webhook (a resource under ROUTES.woocommerce): its own secret and pixel. */
export const TENANT_WOOCOMMERCE_ROUTE = `${ROUTES.woocommerce}/{tenant}` as const;
