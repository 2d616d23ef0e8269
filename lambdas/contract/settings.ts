// The settings the stack hands the functions and `npm start` reads: one environment variable name, one
// default and one range each. lib/ (CDK context → environment), lambdas/ (environment → config) and local/
// read them from here, so the two sides cannot drift apart. Dependency-free: the CDK app imports it too.

export interface IntegerSetting {
  /** Environment variable the functions (and `npm start`) read. */
  readonly env: string;
  readonly default: number;
  /** Inclusive bounds, checked at synth and at cold start alike. */
  readonly min: number;
  readonly max: number;
}

const integer = (env: string, fallback: number, min: number, max: number): IntegerSetting => ({ env, default: fallback, min, max });

export const TIKTOK_EVENTS_URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/";

/**
 * Lambda refuses a synchronous invocation whose payload is larger (6 MiB). Behind API Gateway the payload is
 * the whole proxy event, in which the request body is a JSON string: escaped, so larger than the body.
 */
export const LAMBDA_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
/**
 * Room kept in that event for everything but the body: API Gateway allows 10,240 bytes of request line and
 * headers, which the event repeats (headers, multiValueHeaders, path, resource, requestContext) and escapes.
 */
export const PROXY_EVENT_OVERHEAD_BYTES = 128 * 1024;
/**
 * The largest body that reaches a function whatever its content. A body that reaches the function is JSON
 * (/events: API Gateway validates every content type against a JSON model), and JSON escaping at most doubles
 * it (a string of `\"` pairs; `"`, `\`, tab and newline each become two characters; a JSON text holds no raw
 * control character, which would become six). A binary (base64) body would grow by only 4/3.
 */
export const MAX_SAFE_BODY_BYTES = Math.floor((LAMBDA_INVOKE_PAYLOAD_BYTES - PROXY_EVENT_OVERHEAD_BYTES) / 2);

/** Whole-number settings shared by the stack and the functions. */
export const INTEGER_SETTINGS = {
  maxEventAgeDays: integer("MAX_EVENT_AGE_DAYS", 7, 1, 90),
  // Offline and CRM events: TikTok publishes no age limit of its own. 28 days is its longest click-through
  // attribution window and the bound a peer documents for offline events ("Events must have occurred within
  // the previous 28 days", https://docs.amperity.com/operator/events_tiktok_ads.html). Nothing public gives
  // one for CRM: the same bound, in a setting of its own so either can change alone.
  offlineMaxEventAgeDays: integer("OFFLINE_MAX_EVENT_AGE_DAYS", 28, 1, 90),
  crmMaxEventAgeDays: integer("CRM_MAX_EVENT_AGE_DAYS", 28, 1, 90),
  // Higher would let a body the function accepts exceed Lambda's limit once escaped: API Gateway could not
  // invoke the function with it, however often the caller retried.
  maxBodyBytes: integer("MAX_BODY_BYTES", MAX_SAFE_BODY_BYTES, 1024, MAX_SAFE_BODY_BYTES),
  maxReceiveCount: integer("MAX_RECEIVE_COUNT", 10, 1, 1000),
  retryBaseSeconds: integer("RETRY_BASE_SECONDS", 30, 1, 43_200),
  // SQS caps a message's visibility timeout at 12 hours.
  retryMaxSeconds: integer("RETRY_MAX_SECONDS", 900, 1, 43_200),
  requestTimeoutMs: integer("TIKTOK_REQUEST_TIMEOUT_MS", 10_000, 100, 300_000),
  /**
   * Days the delivery ledger remembers a delivery: the event's age limit, 4 days of SQS retries, 14 days in
   * the DLQ and a late redrive fit in 35.
   */
  ledgerDays: integer("LEDGER_DAYS", 35, 1, 3650),
  /** Most TikTok requests one sender invocation makes (bisection of bad rows goes on in a later one). */
  senderMaxRequests: integer("SENDER_MAX_REQUESTS", 1000, 1, 10_000),
  /** TikTok requests one sender invocation keeps in flight while it isolates bad rows. */
  senderParallelRequests: integer("SENDER_PARALLEL_REQUESTS", 8, 1, 64),
  /**
   * How long a function trusts what it read of a tenant (keys, pixels, token, webhook secret): a change made
   * with `npm run tenants` takes effect within this time. At most 60 s, the promise the README makes.
   */
  tenantCacheSeconds: integer("TENANT_CACHE_SECONDS", 60, 0, 60),
} as const satisfies Record<string, IntegerSetting>;

/**
 * Settings of `npm start` alone. In AWS the stack sets the same things another way (the event source
 * mapping, the function timeout) with the same defaults, and its own ranges (lib/read-config.ts).
 */
export const LOCAL_INTEGER_SETTINGS = {
  senderBatchSize: integer("SENDER_BATCH_SIZE", 1000, 1, 10_000),
  senderMaxConcurrency: integer("SENDER_MAX_CONCURRENCY", 2, 1, 100),
  /** The sender's deadline per batch, as the Lambda timeout is in AWS (the stack's senderTimeoutSeconds). */
  senderTimeoutSeconds: integer("SENDER_TIMEOUT_SECONDS", 60, 1, 900),
  dynamodbPort: integer("DYNAMODB_PORT", 8000, 0, 65_535),
  port: integer("PORT", 3000, 0, 65_535),
  sqsPort: integer("SQS_PORT", 9324, 0, 65_535),
  visibilityTimeoutSeconds: integer("VISIBILITY_TIMEOUT_SECONDS", 30, 2, 43_200),
  senderBatchingWindowMs: integer("SENDER_BATCHING_WINDOW_MS", 5000, 0, 300_000),
  statsIntervalSeconds: integer("STATS_INTERVAL_SECONDS", 10, 0, 86_400),
} as const satisfies Record<string, IntegerSetting>;

/** String and boolean settings: the variable and, where there is one, the default. */
export const ENV = {
  pixelCode: "TIKTOK_PIXEL_CODE",
  testEventCode: "TIKTOK_TEST_EVENT_CODE",
  /** Default event set of `event_source: "offline"` events, as TIKTOK_PIXEL_CODE is for web events. */
  offlineEventSetId: "OFFLINE_EVENT_SET_ID",
  /** Default event set of `event_source: "crm"` events. */
  crmEventSetId: "CRM_EVENT_SET_ID",
  /** Comma-separated regions (US-CA, or a whole country: US) whose shoppers' events get limited_data_use: true. */
  lduRegions: "LDU_REGIONS",
  defaultPhoneCountry: "DEFAULT_PHONE_COUNTRY",
  allowCustomEvents: "ALLOW_CUSTOM_EVENTS",
  corsAllowOrigins: "CORS_ALLOW_ORIGINS",
  tiktokApiUrl: "TIKTOK_API_URL",
  eventsQueueUrl: "EVENTS_QUEUE_URL",
  deadLetterQueueUrl: "DEAD_LETTER_QUEUE_URL",
  tokenSecretArn: "TIKTOK_ACCESS_TOKEN_SECRET_ARN",
  ingestKeySecretArn: "INGEST_API_KEY_SECRET_ARN",
  webhookSecretArn: "WOOCOMMERCE_WEBHOOK_SECRET_ARN",
  woocommerceEventName: "WOOCOMMERCE_EVENT_NAME",
  woocommerceEventIdTemplate: "WOOCOMMERCE_EVENT_ID_TEMPLATE",
  woocommercePaidStatuses: "WOOCOMMERCE_PAID_STATUSES",
  woocommerceValueExcludes: "WOOCOMMERCE_VALUE_EXCLUDES",
  woocommerceTtclidKeys: "WOOCOMMERCE_TTCLID_KEYS",
  woocommerceTtpKeys: "WOOCOMMERCE_TTP_KEYS",
  woocommerceTopics: "WOOCOMMERCE_TOPICS",
  /** Test event code of WooCommerce orders alone; else TIKTOK_TEST_EVENT_CODE. */
  woocommerceTestEventCode: "WOOCOMMERCE_TEST_EVENT_CODE",
  /** Powertools reads these two itself. */
  ledgerTable: "LEDGER_TABLE_NAME",
  ledgerScope: "LEDGER_SCOPE",
  /** The tenant table (lambdas/core/tenant.ts); unset: the single-shop relay, without tenants. */
  tenantsTable: "TENANTS_TABLE_NAME",
  serviceName: "POWERTOOLS_SERVICE_NAME",
  metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
  // npm start only
  accessToken: "TIKTOK_ACCESS_TOKEN",
  ingestApiKey: "INGEST_API_KEY",
  webhookSecret: "WOOCOMMERCE_WEBHOOK_SECRET",
  sqsEndpoint: "SQS_ENDPOINT",
  dynamodbEndpoint: "DYNAMODB_ENDPOINT",
  /** Which API Gateway event shape the local API builds: "rest" (proxy) or "http" (HTTP API payload 2.0). */
  apiFlavour: "API_FLAVOUR",
} as const;

/** The API flavours: a REST API (the default: WAF, request validation) or an HTTP API (cheaper). */
export const API_FLAVOURS = ["rest", "http"] as const;
export type ApiFlavour = (typeof API_FLAVOURS)[number];

export const DEFAULTS = {
  apiFlavour: "rest" as ApiFlavour,
  ledgerScope: "conversions" as "conversions" | "all" | "off",
  defaultPhoneCountry: "US",
  allowCustomEvents: false,
  lduRegions: [] as readonly string[],
  tiktokApiUrl: TIKTOK_EVENTS_URL,
  // TikTok renamed CompletePayment to Purchase in May 2025 ("How to Adopt TikTok's Updated Standard Events",
  // https://ads.tiktok.com/help/article/how-to-adopt-tiktoks-updated-standard-events) and TikTok's own
  // WooCommerce plugin sends Purchase. The shop's pixel must send the same name (README, WooCommerce step 3).
  woocommerceEventName: "Purchase",
  woocommerceEventIdTemplate: "wc_order_{id}",
  woocommercePaidStatuses: ["processing", "completed"] as readonly string[],
  woocommerceValueExcludes: [] as readonly ("shipping" | "tax")[],
  woocommerceTtclidKeys: ["ttclid", "_ttclid"] as readonly string[],
  woocommerceTtpKeys: ["_ttp", "ttp"] as readonly string[],
  woocommerceTopics: ["order.created", "order.updated", "order.paid"] as readonly string[],
} as const;

/** Each TikTok request's deadline in AWS: leaves time in one invocation for a retry and for reporting failures. */
export function requestTimeoutMsFor(senderTimeoutSeconds: number): number {
  return Math.floor(Math.min(INTEGER_SETTINGS.requestTimeoutMs.default, (senderTimeoutSeconds * 1000) / 4));
}
