import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";
import {
  API_FLAVOURS,
  type ApiFlavour,
  COUNTRY_CODE,
  EVENT_ID_TEMPLATE,
  EVENT_SET_ID,
  INTEGER_SETTINGS,
  type IntegerSetting,
  LDU_REGION,
  LEDGER_SCOPES,
  type LedgerScope,
  PIXEL_CODE,
  TENANT_NAME,
  TEST_EVENT_CODE,
} from "../lambdas/contract";
import { RELAY_CONFIG_DEFAULTS, type RelayConfig } from "./config";

// Reads RelayConfig from CDK context and validates it, so that `cdk synth` fails with every bad key and its
// fix before anything reaches CloudFormation.

const range = (setting: IntegerSetting) => [setting.min, setting.max] as const;

/**
 * Inclusive integer ranges; the single place a reviewer checks limits against AWS quotas. What the functions
 * check again at cold start comes from the contract (lambdas/contract/settings.ts).
 */
const INTEGER_RANGES = {
  maxEventAgeDays: range(INTEGER_SETTINGS.maxEventAgeDays),
  offlineMaxEventAgeDays: range(INTEGER_SETTINGS.offlineMaxEventAgeDays),
  crmMaxEventAgeDays: range(INTEGER_SETTINGS.crmMaxEventAgeDays),
  senderBatchSize: [1, 10_000],
  senderBatchingWindowSeconds: [0, 300],
  senderMaxConcurrency: [2, 1000],
  senderTimeoutSeconds: [10, 900],
  senderMemoryMb: [128, 10_240],
  ingestMemoryMb: [128, 10_240],
  maxReceiveCount: range(INTEGER_SETTINGS.maxReceiveCount),
  retryBaseSeconds: range(INTEGER_SETTINGS.retryBaseSeconds),
  retryMaxSeconds: range(INTEGER_SETTINGS.retryMaxSeconds),
  // Below one minute the alarm would fire on normal batching; above 4 days the event is gone anyway.
  oldestMessageAgeAlarmSeconds: [60, 345_600],
  apiThrottleRate: [1, 10_000],
  apiThrottleBurst: [1, 5000],
  woocommerceThrottleRate: [1, 10_000],
  woocommerceThrottleBurst: [1, 5000],
  maxBodyBytes: range(INTEGER_SETTINGS.maxBodyBytes),
  ledgerDays: range(INTEGER_SETTINGS.ledgerDays),
  senderMaxRequests: range(INTEGER_SETTINGS.senderMaxRequests),
  tenantCacheSeconds: range(INTEGER_SETTINGS.tenantCacheSeconds),
  senderParallelRequests: range(INTEGER_SETTINGS.senderParallelRequests),
  // API Gateway's limit for authorizer caching.
  authorizerCacheSeconds: [0, 3600],
  // AWS WAF's bounds for a rate-based rule.
  wafRateLimit: [10, 2_000_000_000],
  noEventsAlarmHours: [0, 168],
  api5xxAlarmPercent: [1, 100],
  api4xxAlarmPercent: [1, 100],
  strongKeyAlarmPercent: [0, 100],
} as const satisfies Record<string, readonly [number, number]>;

type IntegerKey = keyof typeof INTEGER_RANGES;

const KNOWN_KEYS = [
  ...Object.keys(RELAY_CONFIG_DEFAULTS),
  "testEventCode",
  "woocommerceTestEventCode",
  "alarmEmail",
  "tiktokTokenSecretArn",
  "tiktokTokenSecretKmsKeyArn",
  "queueKmsKeyArn",
  "stackName",
];

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;

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
  if (pixelCode !== "" && !PIXEL_CODE.test(pixelCode)) {
    problem("pixelCode", pixelCode, "the pixel code from TikTok Events Manager: 10 to 32 letters or digits");
  }

  const eventSetId = (key: "offlineEventSetId" | "crmEventSetId"): string => {
    const raw: unknown = node.tryGetContext(key);
    // TikTok's event set ids are long numbers: unquoted in cdk.json, JSON.parse has already changed their last digits.
    if (typeof raw === "number" && !Number.isSafeInteger(raw)) {
      problem(key, raw, 'the id as a string (quote it in cdk.json: "7301234567890123456")');
      return RELAY_CONFIG_DEFAULTS[key];
    }
    const id = optionalString(key) ?? RELAY_CONFIG_DEFAULTS[key];
    if (id !== "" && !EVENT_SET_ID.test(id))
      problem(key, id, "the event set id from TikTok Events Manager: letters and digits (at most 64)");
    return id;
  };
  const offlineEventSetId = eventSetId("offlineEventSetId");
  const crmEventSetId = eventSetId("crmEventSetId");

  const testCode = (key: "testEventCode" | "woocommerceTestEventCode"): string | undefined => {
    const code = optionalString(key);
    if (code !== undefined && !TEST_EVENT_CODE.test(code)) {
      problem(key, code, "the test event code from TikTok Events Manager (letters, digits, _ or -)");
    }
    return code;
  };
  const testEventCode = testCode("testEventCode");
  const woocommerceTestEventCode = testCode("woocommerceTestEventCode");

  const alarmEmail = optionalString("alarmEmail");
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    problem("alarmEmail", alarmEmail, "an e-mail address such as ops@example.com");
  }

  // Upper-cased like the ingest Lambda does, so "fr" means the same at synth and at run time.
  const defaultPhoneCountry = (optionalString("defaultPhoneCountry") ?? RELAY_CONFIG_DEFAULTS.defaultPhoneCountry).toUpperCase();
  if (!COUNTRY_CODE.test(defaultPhoneCountry)) {
    problem("defaultPhoneCountry", defaultPhoneCountry, "an ISO 3166-1 alpha-2 country code such as US or FR");
  }

  const boolean = (key: "allowCustomEvents" | "tracing" | "waf" | "allowNoPixel" | "reserveSenderConcurrency"): boolean => {
    const raw: unknown = node.tryGetContext(key);
    const parsed = readBoolean(raw);
    if (parsed === undefined && raw !== undefined && raw !== null) problem(key, raw, "true or false");
    return parsed ?? RELAY_CONFIG_DEFAULTS[key];
  };
  const allowCustomEvents = boolean("allowCustomEvents");

  // Without a pixel, WooCommerce orders are skipped and events without pixel_code refused; a deploy that
  // forgot -c pixelCode (a bare `cdk deploy` after deploying with flags) would do that silently.
  const allowNoPixel = boolean("allowNoPixel");
  if (pixelCode === "" && !allowNoPixel) {
    problems.push(
      "  - pixelCode: not set, so WooCommerce orders would be skipped and events without pixel_code refused. Fix: put " +
        '"pixelCode": "<your pixel code>" under "context" in cdk.json (so every deploy keeps it), or -c pixelCode=<code>; ' +
        "or, if every event carries its own pixel_code and WooCommerce is not used, -c allowNoPixel=true.",
    );
  }

  const apiRaw: unknown = node.tryGetContext("api");
  const api = apiRaw === undefined || apiRaw === null ? RELAY_CONFIG_DEFAULTS.api : String(apiRaw).trim().toLowerCase();
  if (!(API_FLAVOURS as readonly string[]).includes(api)) problem("api", apiRaw, `${API_FLAVOURS.join(" or ")}`);
  // AWS WAF attaches to REST API stages, never to HTTP APIs: refuse rather than deploy without the firewall asked for.
  if (api === "http" && boolean("waf")) {
    problems.push("  - waf: an HTTP API (-c api=http) cannot take an AWS WAF web ACL. Fix: -c api=rest, or drop -c waf=true.");
  }

  const corsRaw: unknown = node.tryGetContext("corsAllowOrigins");
  const corsAllowOrigins = (Array.isArray(corsRaw) ? corsRaw.map(String) : typeof corsRaw === "string" ? corsRaw.split(",") : [])
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  if (corsRaw !== undefined && corsRaw !== null && !Array.isArray(corsRaw) && typeof corsRaw !== "string") {
    problem("corsAllowOrigins", corsRaw, "comma-separated origins such as https://shop.example");
  }
  for (const origin of corsAllowOrigins) {
    // A wildcard would let any web page post events with a key it got hold of.
    if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin))
      problem("corsAllowOrigins", origin, "https origins only (scheme, host, optional port; never *)");
  }

  const lduRaw: unknown = node.tryGetContext("lduRegions");
  const lduRegions = (Array.isArray(lduRaw) ? lduRaw.map(String) : typeof lduRaw === "string" ? lduRaw.split(",") : [])
    .map((region) => region.trim().toUpperCase())
    .filter((region) => region !== "");
  if (lduRaw !== undefined && lduRaw !== null && !Array.isArray(lduRaw) && typeof lduRaw !== "string") {
    problem("lduRegions", lduRaw, "comma-separated regions such as US-CA,US-CO");
  }
  for (const region of lduRegions) {
    if (!LDU_REGION.test(region)) problem("lduRegions", region, "an ISO 3166-2 region such as US-CA, or a whole country such as US");
  }

  const tenantsRaw: unknown = node.tryGetContext("tenantAlarms");
  const tenantAlarms = (Array.isArray(tenantsRaw) ? tenantsRaw.map(String) : typeof tenantsRaw === "string" ? tenantsRaw.split(",") : [])
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of tenantAlarms) {
    if (!TENANT_NAME.test(name))
      problem("tenantAlarms", name, "tenant names (1 to 32 lower-case letters, digits and dashes), comma-separated");
  }

  const woo = (
    key:
      | "woocommerceEventName"
      | "woocommerceEventIdTemplate"
      | "woocommercePaidStatuses"
      | "woocommerceValueExcludes"
      | "woocommerceTtclidKeys"
      | "woocommerceTtpKeys",
  ) => optionalString(key) ?? RELAY_CONFIG_DEFAULTS[key];
  const woocommerceEventIdTemplate = woo("woocommerceEventIdTemplate");
  if (!EVENT_ID_TEMPLATE.test(woocommerceEventIdTemplate)) {
    problem("woocommerceEventIdTemplate", woocommerceEventIdTemplate, "a template with {id}, {number} or {order_key}, e.g. wc_order_{id}");
  }
  const woocommerceValueExcludes = woo("woocommerceValueExcludes");
  if (!/^((shipping|tax)(,(shipping|tax))?)?$/.test(woocommerceValueExcludes.replace(/\s/g, ""))) {
    problem("woocommerceValueExcludes", woocommerceValueExcludes, '"", "shipping", "tax" or "shipping,tax"');
  }

  const kmsKeyArn = (key: "queueKmsKeyArn" | "tiktokTokenSecretKmsKeyArn"): string | undefined => {
    const arn = optionalString(key);
    if (arn !== undefined && !KMS_KEY_ARN.test(arn)) {
      problem(key, arn, "a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/<uuid>");
    }
    return arn;
  };
  const queueKmsKeyArn = kmsKeyArn("queueKmsKeyArn");

  const tiktokApiUrl = optionalString("tiktokApiUrl") ?? RELAY_CONFIG_DEFAULTS.tiktokApiUrl;
  if (!isHttpsUrl(tiktokApiUrl)) problem("tiktokApiUrl", tiktokApiUrl, "an https:// URL");

  const tiktokTokenSecretArn = optionalString("tiktokTokenSecretArn");
  // fromSecretCompleteArn needs the 6-character suffix Secrets Manager appends to the name.
  if (
    tiktokTokenSecretArn !== undefined &&
    !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(tiktokTokenSecretArn)
  ) {
    problem(
      "tiktokTokenSecretArn",
      tiktokTokenSecretArn,
      "the complete secret ARN (ending in -XXXXXX) from `aws secretsmanager describe-secret`",
    );
  }

  const tiktokTokenSecretKmsKeyArn = kmsKeyArn("tiktokTokenSecretKmsKeyArn");
  if (tiktokTokenSecretKmsKeyArn !== undefined && tiktokTokenSecretArn === undefined) {
    problems.push(
      "  - tiktokTokenSecretKmsKeyArn: only means something with tiktokTokenSecretArn (the stack's own secret uses the AWS managed key). Fix: add -c tiktokTokenSecretArn=<ARN> or drop it.",
    );
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

  const ledgerScopeRaw = optionalString("ledgerScope") ?? RELAY_CONFIG_DEFAULTS.ledgerScope;
  if (!(LEDGER_SCOPES as readonly string[]).includes(ledgerScopeRaw)) problem("ledgerScope", ledgerScopeRaw, LEDGER_SCOPES.join(", "));
  const maxEventAgeDays = integer("maxEventAgeDays");
  const ledgerDays = integer("ledgerDays");
  if (ledgerDays < maxEventAgeDays) {
    problems.push(
      `  - ledgerDays: ${ledgerDays} is below maxEventAgeDays (${maxEventAgeDays}): an event could be delivered again after its record expired. Fix: raise ledgerDays.`,
    );
  }

  const config: RelayConfig = {
    pixelCode,
    offlineEventSetId,
    crmEventSetId,
    allowNoPixel,
    testEventCode,
    alarmEmail,
    defaultPhoneCountry,
    maxEventAgeDays,
    offlineMaxEventAgeDays: integer("offlineMaxEventAgeDays"),
    crmMaxEventAgeDays: integer("crmMaxEventAgeDays"),
    lduRegions,
    allowCustomEvents,
    tiktokApiUrl,
    tiktokTokenSecretArn,
    tiktokTokenSecretKmsKeyArn,
    senderBatchSize,
    senderBatchingWindowSeconds,
    senderMaxConcurrency: integer("senderMaxConcurrency"),
    reserveSenderConcurrency: boolean("reserveSenderConcurrency"),
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
    woocommerceThrottleRate: integer("woocommerceThrottleRate"),
    woocommerceThrottleBurst: integer("woocommerceThrottleBurst"),
    maxBodyBytes: integer("maxBodyBytes"),
    authorizerCacheSeconds: integer("authorizerCacheSeconds"),
    api: api as ApiFlavour,
    corsAllowOrigins,
    tracing: boolean("tracing"),
    queueKmsKeyArn,
    waf: boolean("waf"),
    wafRateLimit: integer("wafRateLimit"),
    noEventsAlarmHours: integer("noEventsAlarmHours"),
    api5xxAlarmPercent: integer("api5xxAlarmPercent"),
    api4xxAlarmPercent: integer("api4xxAlarmPercent"),
    strongKeyAlarmPercent: integer("strongKeyAlarmPercent"),
    ledgerScope: ledgerScopeRaw as LedgerScope,
    ledgerDays,
    senderMaxRequests: integer("senderMaxRequests"),
    tenantCacheSeconds: integer("tenantCacheSeconds"),
    tenantAlarms,
    senderParallelRequests: integer("senderParallelRequests"),
    woocommerceEventName: woo("woocommerceEventName"),
    woocommerceTestEventCode,
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
