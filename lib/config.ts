import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { type ApiFlavour, DEFAULTS, INTEGER_SETTINGS, LOCAL_INTEGER_SETTINGS } from "../lambdas/contract";

/**
 * Everything a user can tune, read from CDK context (`cdk.json` "context" or `-c key=value`) by
 * readRelayConfig (lib/read-config.ts). Each setting has exactly one default, in {@link RELAY_CONFIG_DEFAULTS}.
 */
export interface RelayConfig {
  /**
   * TikTok pixel code stamped on every event. Empty means the caller must send `pixel_code` per event, and
   * WooCommerce orders cannot be sent: synth refuses it unless `allowNoPixel` says that is intended.
   * @default ""
   */
  readonly pixelCode: string;
  /**
   * TikTok offline event set id for `event_source: "offline"` events without their own `event_source_id`.
   * Empty means offline events must name their event set.
   * @default ""
   */
  readonly offlineEventSetId: string;
  /**
   * TikTok CRM event set id for `event_source: "crm"` events without their own `event_source_id`.
   * @default ""
   */
  readonly crmEventSetId: string;
  /**
   * Deploy without `pixelCode` on purpose: every event posted carries its own `pixel_code`, and WooCommerce is
   * not used (its orders would be skipped). Without it, a synth without `pixelCode` fails, so that a bare
   * `cdk deploy` cannot silently drop the pixel a previous deploy had.
   * @default false
   */
  readonly allowNoPixel: boolean;
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
   * Offline events older than this many days are refused at ingest and not sent.
   * @default 28
   */
  readonly offlineMaxEventAgeDays: number;
  /**
   * CRM events older than this many days are refused at ingest and not sent.
   * @default 28
   */
  readonly crmMaxEventAgeDays: number;
  /**
   * Regions (ISO 3166-2 such as US-CA, or a whole country such as US) whose shoppers' events are sent with
   * `limited_data_use: true`, unless the event sets it. Read from `user.state` and `user.country`.
   * @default - none
   */
  readonly lduRegions: readonly string[];
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
   * ARN of the customer-managed KMS key that encrypts the `tiktokTokenSecretArn` secret: the sender may then
   * decrypt with it (through Secrets Manager only). Not needed for a secret under the AWS managed key.
   * @default - none: the secret uses the AWS managed key aws/secretsmanager
   */
  readonly tiktokTokenSecretKmsKeyArn?: string;
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
   * Reserve `senderMaxConcurrency` of the account's Lambda concurrency for the sender, so that other functions
   * (ingest under load, or anything else in the account) can never leave it unable to run. Turn off only in an
   * account whose concurrency quota is too small to reserve any (new accounts may have 10).
   * @default true
   */
  readonly reserveSenderConcurrency: boolean;
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
   * Steady-state requests per second POST /woocommerce accepts before answering 429 (method-level throttling):
   * far below /events, since a shop's order updates are few and anyone can reach the URL.
   * @default 10
   */
  readonly woocommerceThrottleRate: number;
  /**
   * Burst of POST /woocommerce requests accepted above its steady rate.
   * @default 20
   */
  readonly woocommerceThrottleBurst: number;
  /**
   * Largest request body the ingest and WooCommerce functions accept, in bytes (413 above). At most 3080192:
   * API Gateway escapes the body into the function's event (up to twice its size), and Lambda takes 6 MiB.
   * @default 3080192
   */
  readonly maxBodyBytes: number;
  /**
   * Seconds API Gateway caches an authorizer decision per Authorization header (0 = ask every time). A removed
   * key stays valid at most this long plus the authorizer's 5-minute secret cache.
   * @default 300
   */
  readonly authorizerCacheSeconds: number;
  /**
   * The API in front of the functions: "rest" (API Gateway REST API: AWS WAF, a body model checked before the
   * function runs, JSON gateway responses; $3.50 per million requests) or "http" (HTTP API: $1.00 per million
   * requests, no WAF web ACL, no body model, its own `{"message"}` bodies for 401/403/429). Changing it gives
   * the relay new URLs.
   * @default "rest"
   */
  readonly api: ApiFlavour;
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
   * Alarm when more than this percentage of a route's requests (POST /events, POST /woocommerce) answer 5xx
   * over 5 minutes.
   * @default 1
   */
  readonly api5xxAlarmPercent: number;
  /**
   * Alarm when more than this percentage of a route's requests answer 4xx over 5 minutes (a revoked key, a
   * broken integration, throttling: each such request is an event the caller did not get queued).
   * @default 5
   */
  readonly api4xxAlarmPercent: number;
  /**
   * Alarm when, over an hour, fewer than this percentage of purchase events carry an e-mail, phone or
   * ttclid (0 = no such alarm).
   * @default 0
   */
  readonly strongKeyAlarmPercent: number;
  /**
   * Which events the delivery ledger guards against a second delivery: "conversions" (purchases, orders,
   * subscriptions, trials, leads, registrations, applications), "all", or "off" (TikTok's 48 h dedup only).
   * @default "conversions"
   */
  readonly ledgerScope: "conversions" | "all" | "off";
  /**
   * Days the delivery ledger remembers a delivery; at least maxEventAgeDays.
   * @default 35
   */
  readonly ledgerDays: number;
  /**
   * Most TikTok requests one sender invocation makes (bad rows are isolated over several invocations).
   * @default 1000
   */
  readonly senderMaxRequests: number;
  /**
   * Seconds the functions trust what they read of a tenant (TENANT_CACHE_SECONDS): a change made with
   * `npm run tenants` takes effect within it (a revoked key: within it plus authorizerCacheSeconds).
   * @default 60
   */
  readonly tenantCacheSeconds: number;
  /**
   * Tenants that get alarms of their own (dead-lettered and retried events, by the Tenant dimension), so an
   * alarm names the failing shop. Tenants work without being listed; listing one is a deploy.
   * @default - none: the relay-wide alarms cover every tenant; the dashboard shows each
   */
  readonly tenantAlarms: readonly string[];
  /**
   * TikTok requests one sender invocation keeps in flight while it isolates refused events.
   * @default 8
   */
  readonly senderParallelRequests: number;
  /**
   * WooCommerce orders: TikTok event name; must be the name the shop's pixel sends.
   * @default "Purchase"
   */
  readonly woocommerceEventName: string;
  /**
   * WooCommerce orders: TikTok test event code for order events alone (else `testEventCode`).
   * @default - none
   */
  readonly woocommerceTestEventCode?: string;
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

// What the functions also know (they read it from the environment the stack sets) comes from the contract.
export const RELAY_CONFIG_DEFAULTS = {
  pixelCode: "",
  offlineEventSetId: "",
  crmEventSetId: "",
  allowNoPixel: false,
  defaultPhoneCountry: DEFAULTS.defaultPhoneCountry,
  maxEventAgeDays: INTEGER_SETTINGS.maxEventAgeDays.default,
  offlineMaxEventAgeDays: INTEGER_SETTINGS.offlineMaxEventAgeDays.default,
  crmMaxEventAgeDays: INTEGER_SETTINGS.crmMaxEventAgeDays.default,
  lduRegions: DEFAULTS.lduRegions,
  allowCustomEvents: DEFAULTS.allowCustomEvents,
  tiktokApiUrl: DEFAULTS.tiktokApiUrl,
  senderBatchSize: LOCAL_INTEGER_SETTINGS.senderBatchSize.default,
  senderBatchingWindowSeconds: 5,
  senderMaxConcurrency: LOCAL_INTEGER_SETTINGS.senderMaxConcurrency.default,
  reserveSenderConcurrency: true,
  senderTimeoutSeconds: 60,
  senderMemoryMb: 512,
  ingestMemoryMb: 512,
  maxReceiveCount: INTEGER_SETTINGS.maxReceiveCount.default,
  retryBaseSeconds: INTEGER_SETTINGS.retryBaseSeconds.default,
  retryMaxSeconds: INTEGER_SETTINGS.retryMaxSeconds.default,
  logRetentionDays: RetentionDays.ONE_MONTH,
  oldestMessageAgeAlarmSeconds: 900,
  apiThrottleRate: 100,
  apiThrottleBurst: 200,
  woocommerceThrottleRate: 10,
  woocommerceThrottleBurst: 20,
  maxBodyBytes: INTEGER_SETTINGS.maxBodyBytes.default,
  authorizerCacheSeconds: 300,
  api: DEFAULTS.apiFlavour,
  corsAllowOrigins: [] as readonly string[],
  tracing: false,
  waf: false,
  wafRateLimit: 3000,
  noEventsAlarmHours: 0,
  api5xxAlarmPercent: 1,
  api4xxAlarmPercent: 5,
  strongKeyAlarmPercent: 0,
  ledgerScope: DEFAULTS.ledgerScope,
  ledgerDays: INTEGER_SETTINGS.ledgerDays.default,
  senderMaxRequests: INTEGER_SETTINGS.senderMaxRequests.default,
  tenantCacheSeconds: INTEGER_SETTINGS.tenantCacheSeconds.default,
  tenantAlarms: [] as readonly string[],
  senderParallelRequests: INTEGER_SETTINGS.senderParallelRequests.default,
  woocommerceEventName: DEFAULTS.woocommerceEventName,
  woocommerceEventIdTemplate: DEFAULTS.woocommerceEventIdTemplate,
  woocommercePaidStatuses: DEFAULTS.woocommercePaidStatuses.join(","),
  woocommerceValueExcludes: DEFAULTS.woocommerceValueExcludes.join(","),
  woocommerceTtclidKeys: DEFAULTS.woocommerceTtclidKeys.join(","),
  woocommerceTtpKeys: DEFAULTS.woocommerceTtpKeys.join(","),
} as const satisfies Omit<
  Required<RelayConfig>,
  "testEventCode" | "woocommerceTestEventCode" | "alarmEmail" | "tiktokTokenSecretArn" | "tiktokTokenSecretKmsKeyArn" | "queueKmsKeyArn"
>;
