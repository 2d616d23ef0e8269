import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";

/**
 * Everything a user can tune, read from CDK context (`cdk.json` "context" or `-c key=value`).
 * Each setting has exactly one default, in {@link RELAY_CONFIG_DEFAULTS}.
 */
export interface RelayConfig {
  /**
   * TikTok pixel code stamped on every event. Empty means the caller must send `pixel_code` per event.
   * @default ""
   */
  readonly pixelCode: string;
  /**
   * TikTok test event code: events then show in Events Manager "Test events" only. Unset in production.
   * @default - none
   */
  readonly testEventCode?: string;
  /**
   * E-mail address subscribed to the alarm topic (confirm the subscription e-mail AWS sends).
   * @default - none, alarms only publish to the SNS topic
   */
  readonly alarmEmail?: string;
  /**
   * ISO 3166-1 alpha-2 country used to read phone numbers written without a +country prefix.
   * @default "US"
   */
  readonly defaultPhoneCountry: string;
  /**
   * Events older than this many days are rejected at ingest and not sent.
   * @default 7
   */
  readonly maxEventAgeDays: number;
  /**
   * Accept event names outside TikTok's standard events list.
   * @default false
   */
  readonly allowCustomEvents: boolean;
  /**
   * TikTok Events API endpoint (https).
   * @default "https://business-api.tiktok.com/open_api/v1.3/event/track/"
   */
  readonly tiktokApiUrl: string;
  /**
   * Complete ARN of an existing Secrets Manager secret holding the TikTok access token.
   * @default - the stack creates a secret holding a placeholder, for you to put the token into
   */
  readonly tiktokTokenSecretArn?: string;
  /**
   * Most SQS messages (events) handed to one sender invocation.
   * @default 1000
   */
  readonly senderBatchSize: number;
  /**
   * Seconds the event source waits to fill a batch. AWS requires ≥ 1 when the batch size is above 10.
   * @default 5
   */
  readonly senderBatchingWindowSeconds: number;
  /**
   * Most concurrent sender invocations (caps the request rate towards TikTok).
   * @default 2
   */
  readonly senderMaxConcurrency: number;
  /**
   * Sender Lambda timeout; the queue visibility timeout is six times this.
   * @default 60
   */
  readonly senderTimeoutSeconds: number;
  /**
   * Sender Lambda memory (MB).
   * @default 512
   */
  readonly senderMemoryMb: number;
  /**
   * Ingest Lambda memory (MB).
   * @default 512
   */
  readonly ingestMemoryMb: number;
  /**
   * Deliveries of one message before it moves to the dead-letter queue. With the retry backoff
   * (retryBaseSeconds doubling up to retryMaxSeconds) 10 receives ride out about 75 minutes of TikTok outage.
   * @default 10
   */
  readonly maxReceiveCount: number;
  /**
   * Delay before the first retry of an event TikTok did not take (throttling, server errors); doubles per receive.
   * @default 30
   */
  readonly retryBaseSeconds: number;
  /**
   * Longest delay between two retries of one event.
   * @default 900
   */
  readonly retryMaxSeconds: number;
  /**
   * Retention of the Lambda and API access log groups, in days (a CloudWatch Logs retention value).
   * @default 30
   */
  readonly logRetentionDays: RetentionDays;
  /**
   * Alarm when the oldest queued event has waited longer than this many seconds.
   * @default 900
   */
  readonly oldestMessageAgeAlarmSeconds: number;
  /**
   * Steady-state requests per second the API stage accepts before answering 429.
   * @default 100
   */
  readonly apiThrottleRate: number;
  /**
   * Burst of requests the API stage accepts above the steady rate.
   * @default 200
   */
  readonly apiThrottleBurst: number;
  /**
   * Largest request body the ingest function accepts, in bytes (413 above; API Gateway itself stops at 10 MB).
   * @default 5242880
   */
  readonly maxBodyBytes: number;
  /**
   * Seconds API Gateway caches an authorizer decision per Authorization header (0 = ask every time). A removed
   * key stays valid at most this long plus the authorizer's 5-minute secret cache.
   * @default 300
   */
  readonly authorizerCacheSeconds: number;
  /**
   * Browser origins allowed to call the API (CORS), comma-separated https origins. Never `*`.
   * @default - none: CORS off, server-to-server calls only
   */
  readonly corsAllowOrigins: readonly string[];
  /**
   * AWS X-Ray tracing of the API stage and both functions.
   * @default false
   */
  readonly tracing: boolean;
  /**
   * ARN of a customer-managed KMS key encrypting both queues instead of SSE-SQS.
   * @default - SSE-SQS (AWS-owned keys, no KMS cost)
   */
  readonly queueKmsKeyArn?: string;
  /**
   * Put an AWS WAF web ACL (AWS managed common and IP reputation rules, a per-IP rate rule) in front of the API.
   * @default false
   */
  readonly waf: boolean;
  /**
   * Requests one IP may make in 5 minutes before the WAF rate rule blocks it (with `waf`).
   * @default 3000
   */
  readonly wafRateLimit: number;
  /**
   * Alarm when no event was queued for this many hours (0 = no such alarm). For shops with steady traffic.
   * @default 0
   */
  readonly noEventsAlarmHours: number;
  /**
   * Alarm when more than this percentage of API requests answer 5xx over 5 minutes.
   * @default 1
   */
  readonly api5xxAlarmPercent: number;
  /**
   * Alarm when, over an hour, fewer than this percentage of purchase events carry an e-mail, phone or
   * ttclid (0 = no such alarm).
   * @default 0
   */
  readonly strongKeyAlarmPercent: number;
  /**
   * WooCommerce orders: TikTok event name.
   * @default "CompletePayment"
   */
  readonly woocommerceEventName: string;
  /**
   * WooCommerce orders: event_id template ({id}, {number}, {order_key}); must match the shop's pixel.
   * @default "wc_order_{id}"
   */
  readonly woocommerceEventIdTemplate: string;
  /**
   * WooCommerce orders: comma-separated statuses that are purchases.
   * @default "processing,completed"
   */
  readonly woocommercePaidStatuses: string;
  /**
   * WooCommerce orders: what to leave out of `value` ("", "shipping", "tax" or "shipping,tax").
   * @default ""
   */
  readonly woocommerceValueExcludes: string;
  /**
   * WooCommerce orders: order meta keys holding the TikTok click id, in order of preference.
   * @default "ttclid,_ttclid"
   */
  readonly woocommerceTtclidKeys: string;
  /**
   * WooCommerce orders: order meta keys holding the _ttp cookie, in order of preference.
   * @default "_ttp,ttp"
   */
  readonly woocommerceTtpKeys: string;
}

export const RELAY_CONFIG_DEFAULTS = {
  pixelCode: "",
  defaultPhoneCountry: "US",
  maxEventAgeDays: 7,
  allowCustomEvents: false,
  tiktokApiUrl: "https://business-api.tiktok.com/open_api/v1.3/event/track/",
  senderBatchSize: 1000,
  senderBatchingWindowSeconds: 5,
  senderMaxConcurrency: 2,
  senderTimeoutSeconds: 60,
  senderMemoryMb: 512,
  ingestMemoryMb: 512,
  maxReceiveCount: 10,
  retryBaseSeconds: 30,
  retryMaxSeconds: 900,
  logRetentionDays: RetentionDays.ONE_MONTH,
  oldestMessageAgeAlarmSeconds: 900,
  apiThrottleRate: 100,
  apiThrottleBurst: 200,
  maxBodyBytes: 5 * 1024 * 1024,
  authorizerCacheSeconds: 300,
  corsAllowOrigins: [] as readonly string[],
  tracing: false,
  waf: false,
  wafRateLimit: 3000,
  noEventsAlarmHours: 0,
  api5xxAlarmPercent: 1,
  strongKeyAlarmPercent: 0,
  woocommerceEventName: "CompletePayment",
  woocommerceEventIdTemplate: "wc_order_{id}",
  woocommercePaidStatuses: "processing,completed",
  woocommerceValueExcludes: "",
  woocommerceTtclidKeys: "ttclid,_ttclid",
  woocommerceTtpKeys: "_ttp,ttp",
} as const satisfies Omit<Required<RelayConfig>, "testEventCode" | "alarmEmail" | "tiktokTokenSecretArn" | "queueKmsKeyArn">;

/** Inclusive integer ranges; the single place a reviewer checks limits against AWS quotas. */
const INTEGER_RANGES = {
  maxEventAgeDays: [1, 90],
  senderBatchSize: [1, 10_000],
  senderBatchingWindowSeconds: [0, 300],
  senderMaxConcurrency: [2, 1000],
  senderTimeoutSeconds: [10, 900],
  senderMemoryMb: [128, 10_240],
  ingestMemoryMb: [128, 10_240],
  maxReceiveCount: [1, 1000],
  retryBaseSeconds: [1, 43_200],
  // SQS caps a message's visibility timeout at 12 hours.
  retryMaxSeconds: [1, 43_200],
  // Below one minute the alarm would fire on normal batching; above 4 days the event is gone anyway.
  oldestMessageAgeAlarmSeconds: [60, 345_600],
  apiThrottleRate: [1, 10_000],
  apiThrottleBurst: [1, 5000],
  // Lambda's synchronous payload limit is 6 MB.
  maxBodyBytes: [1024, 6 * 1024 * 1024],
  // API Gateway's limit for authorizer caching.
  authorizerCacheSeconds: [0, 3600],
  // AWS WAF's bounds for a rate-based rule.
  wafRateLimit: [10, 2_000_000_000],
  noEventsAlarmHours: [0, 168],
  api5xxAlarmPercent: [1, 100],
  strongKeyAlarmPercent: [0, 100],
} as const satisfies Record<string, readonly [number, number]>;

type IntegerKey = keyof typeof INTEGER_RANGES;

const KNOWN_KEYS = [...Object.keys(RELAY_CONFIG_DEFAULTS), "testEventCode", "alarmEmail", "tiktokTokenSecretArn", "queueKmsKeyArn", "stackName"];

const ALLOWED_RETENTION_DAYS = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === "number");

/** A configuration mistake the user fixes in CDK context; its message is the whole story (no stack trace needed). */
export class RelayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RelayConfigError";
  }
}

/**
 * Reads and validates the relay settings from CDK context. Throws one Error listing every bad key,
 * so `cdk synth` fails before anything reaches CloudFormation.
 */
export function readRelayConfig(node: Node): RelayConfig {
  const problems: string[] = [];
  const problem = (key: string, got: unknown, expected: string): void => {
    problems.push(`  - ${key}: got ${JSON.stringify(got)}, expected ${expected}. Fix: -c ${key}=<value> or "context" in cdk.json.`);
  };

  // A mistyped key is silently ignored by CDK; catch the case slips, which are the likely ones.
  const allContext = node.getAllContext() as Record<string, unknown>;
  for (const key of Object.keys(allContext)) {
    const known = KNOWN_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (known && known !== key) problems.push(`  - ${key}: unknown context key, did you mean "${known}"?`);
  }

  const optionalString = (key: string): string | undefined => {
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined || raw === null || raw === "") return undefined;
    if (typeof raw !== "string" && typeof raw !== "number") {
      problem(key, raw, "a string");
      return undefined;
    }
    return String(raw).trim();
  };

  const integer = (key: IntegerKey): number => {
    const [min, max] = INTEGER_RANGES[key];
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined || raw === null) return RELAY_CONFIG_DEFAULTS[key];
    // `-c key=value` always yields a string.
    const value = typeof raw === "string" && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      problem(key, raw, `an integer from ${min} to ${max}`);
      return RELAY_CONFIG_DEFAULTS[key];
    }
    return value;
  };

  const pixelCode = optionalString("pixelCode") ?? RELAY_CONFIG_DEFAULTS.pixelCode;
  if (pixelCode !== "" && !/^[A-Z0-9]{10,32}$/i.test(pixelCode)) {
    problem("pixelCode", pixelCode, "the pixel code from TikTok Events Manager: 10 to 32 letters or digits");
  }

  const testEventCode = optionalString("testEventCode");
  if (testEventCode !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(testEventCode)) {
    problem("testEventCode", testEventCode, "the test event code from TikTok Events Manager (letters, digits, _ or -)");
  }

  const alarmEmail = optionalString("alarmEmail");
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    problem("alarmEmail", alarmEmail, "an e-mail address such as ops@example.com");
  }

  // Upper-cased like the ingest Lambda does, so "fr" means the same at synth and at run time.
  const defaultPhoneCountry = (optionalString("defaultPhoneCountry") ?? RELAY_CONFIG_DEFAULTS.defaultPhoneCountry).toUpperCase();
  if (!/^[A-Z]{2}$/.test(defaultPhoneCountry)) {
    problem("defaultPhoneCountry", defaultPhoneCountry, "an ISO 3166-1 alpha-2 country code such as US or FR");
  }

  const boolean = (key: "allowCustomEvents" | "tracing" | "waf"): boolean => {
    const raw: unknown = node.tryGetContext(key);
    const parsed = readBoolean(raw);
    if (parsed === undefined && raw !== undefined && raw !== null) problem(key, raw, "true or false");
    return parsed ?? RELAY_CONFIG_DEFAULTS[key];
  };
  const allowCustomEvents = boolean("allowCustomEvents");

  const corsRaw: unknown = node.tryGetContext("corsAllowOrigins");
  const corsAllowOrigins = (Array.isArray(corsRaw) ? corsRaw.map(String) : typeof corsRaw === "string" ? corsRaw.split(",") : [])
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  if (corsRaw !== undefined && corsRaw !== null && !Array.isArray(corsRaw) && typeof corsRaw !== "string") {
    problem("corsAllowOrigins", corsRaw, "comma-separated origins such as https://shop.example");
  }
  for (const origin of corsAllowOrigins) {
    // A wildcard would let any web page post events with a key it got hold of.
    if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin)) problem("corsAllowOrigins", origin, "https origins only (scheme, host, optional port; never *)");
  }

  const woo = (key: "woocommerceEventName" | "woocommerceEventIdTemplate" | "woocommercePaidStatuses" | "woocommerceValueExcludes" | "woocommerceTtclidKeys" | "woocommerceTtpKeys") =>
    optionalString(key) ?? RELAY_CONFIG_DEFAULTS[key];
  const woocommerceEventIdTemplate = woo("woocommerceEventIdTemplate");
  if (!/\{(id|number|order_key)\}/.test(woocommerceEventIdTemplate)) {
    problem("woocommerceEventIdTemplate", woocommerceEventIdTemplate, "a template with {id}, {number} or {order_key}, e.g. wc_order_{id}");
  }
  const woocommerceValueExcludes = woo("woocommerceValueExcludes");
  if (!/^((shipping|tax)(,(shipping|tax))?)?$/.test(woocommerceValueExcludes.replace(/\s/g, ""))) {
    problem("woocommerceValueExcludes", woocommerceValueExcludes, '"", "shipping", "tax" or "shipping,tax"');
  }

  const queueKmsKeyArn = optionalString("queueKmsKeyArn");
  if (queueKmsKeyArn !== undefined && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/.test(queueKmsKeyArn)) {
    problem("queueKmsKeyArn", queueKmsKeyArn, "a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/<uuid>");
  }

  const tiktokApiUrl = optionalString("tiktokApiUrl") ?? RELAY_CONFIG_DEFAULTS.tiktokApiUrl;
  if (!isHttpsUrl(tiktokApiUrl)) problem("tiktokApiUrl", tiktokApiUrl, "an https:// URL");

  const tiktokTokenSecretArn = optionalString("tiktokTokenSecretArn");
  // fromSecretCompleteArn needs the 6-character suffix Secrets Manager appends to the name.
  if (
    tiktokTokenSecretArn !== undefined &&
    !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(tiktokTokenSecretArn)
  ) {
    problem("tiktokTokenSecretArn", tiktokTokenSecretArn, "the complete secret ARN (ending in -XXXXXX) from `aws secretsmanager describe-secret`");
  }

  const senderBatchSize = integer("senderBatchSize");
  const senderBatchingWindowSeconds = integer("senderBatchingWindowSeconds");
  if (senderBatchSize > 10 && senderBatchingWindowSeconds < 1) {
    problems.push(
      `  - senderBatchingWindowSeconds: AWS requires a batching window of at least 1 second when senderBatchSize (${senderBatchSize}) is above 10. Fix: -c senderBatchingWindowSeconds=1 or -c senderBatchSize=10.`,
    );
  }

  const retryBaseSeconds = integer("retryBaseSeconds");
  const retryMaxSeconds = integer("retryMaxSeconds");
  if (retryMaxSeconds < retryBaseSeconds) {
    problems.push(`  - retryMaxSeconds: ${retryMaxSeconds} is below retryBaseSeconds (${retryBaseSeconds}). Fix: raise retryMaxSeconds.`);
  }

  const logRetentionRaw: unknown = node.tryGetContext("logRetentionDays");
  let logRetentionDays: RetentionDays = RELAY_CONFIG_DEFAULTS.logRetentionDays;
  if (logRetentionRaw !== undefined && logRetentionRaw !== null) {
    const n = typeof logRetentionRaw === "string" && /^\s*\d+\s*$/.test(logRetentionRaw) ? Number(logRetentionRaw) : logRetentionRaw;
    const allowed = ALLOWED_RETENTION_DAYS.find((d) => d === n);
    if (allowed === undefined) problem("logRetentionDays", logRetentionRaw, `one of ${ALLOWED_RETENTION_DAYS.join(", ")}`);
    else logRetentionDays = allowed;
  }

  const config: RelayConfig = {
    pixelCode,
    testEventCode,
    alarmEmail,
    defaultPhoneCountry,
    maxEventAgeDays: integer("maxEventAgeDays"),
    allowCustomEvents,
    tiktokApiUrl,
    tiktokTokenSecretArn,
    senderBatchSize,
    senderBatchingWindowSeconds,
    senderMaxConcurrency: integer("senderMaxConcurrency"),
    senderTimeoutSeconds: integer("senderTimeoutSeconds"),
    senderMemoryMb: integer("senderMemoryMb"),
    ingestMemoryMb: integer("ingestMemoryMb"),
    maxReceiveCount: integer("maxReceiveCount"),
    retryBaseSeconds,
    retryMaxSeconds,
    logRetentionDays,
    oldestMessageAgeAlarmSeconds: integer("oldestMessageAgeAlarmSeconds"),
    apiThrottleRate: integer("apiThrottleRate"),
    apiThrottleBurst: integer("apiThrottleBurst"),
    maxBodyBytes: integer("maxBodyBytes"),
    authorizerCacheSeconds: integer("authorizerCacheSeconds"),
    corsAllowOrigins,
    tracing: boolean("tracing"),
    queueKmsKeyArn,
    waf: boolean("waf"),
    wafRateLimit: integer("wafRateLimit"),
    noEventsAlarmHours: integer("noEventsAlarmHours"),
    api5xxAlarmPercent: integer("api5xxAlarmPercent"),
    strongKeyAlarmPercent: integer("strongKeyAlarmPercent"),
    woocommerceEventName: woo("woocommerceEventName"),
    woocommerceEventIdTemplate,
    woocommercePaidStatuses: woo("woocommercePaidStatuses"),
    woocommerceValueExcludes,
    woocommerceTtclidKeys: woo("woocommerceTtclidKeys"),
    woocommerceTtpKeys: woo("woocommerceTtpKeys"),
  };

  if (problems.length > 0) {
    throw new RelayConfigError(`Invalid tiktok-events-relay configuration (CDK context):\n${problems.join("\n")}`);
  }
  return config;
}

/** `-c flag=true` arrives as the string "true"; cdk.json may hold a real boolean. */
function readBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === "boolean") return raw;
  if (raw === "true") return true;
  if (raw === "false") return false;
  return undefined;
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}
