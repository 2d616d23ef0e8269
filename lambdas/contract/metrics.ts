// The metrics the functions write (CloudWatch EMF) and the alarms and dashboard read: names, dimensions and
// the Powertools service names that tell the functions apart.

/** Namespace prefix; the stack appends its name so two relays in one account never mix their numbers. */
export const METRICS_NAMESPACE_PREFIX = "TikTokEventsRelay";

export function metricsNamespaceFor(stackName: string): string {
  return `${METRICS_NAMESPACE_PREFIX}/${stackName}`;
}

/** POWERTOOLS_SERVICE_NAME of each function: the `service` dimension of its metrics. */
export const SERVICES = {
  ingest: "tiktok-relay-ingest",
  sender: "tiktok-relay-sender",
  woocommerce: "tiktok-relay-woocommerce",
  authorizer: "tiktok-relay-authorizer",
  /**
   * Match quality is counted wherever events are accepted (POST /events and the WooCommerce webhook) under
   * this one service, so one dashboard widget and one alarm see every accepted event.
   */
  matchQuality: "tiktok-relay-events",
} as const;

/** What the sender counts per invocation. */
export const SENDER_METRICS = [
  "EventsDelivered",
  /** Skipped because the delivery ledger says TikTok accepted them before (a redelivery, a redrive, an order sent again). */
  "EventsAlreadyDelivered",
  "EventsRetried",
  "EventsRejected",
  "EventsTooOld",
  "EventsDeadLettered",
  /** Events the delivery ledger could not be read or written for (they were sent anyway, or sent and not recorded). */
  "LedgerErrors",
] as const;
export type SenderMetric = (typeof SENDER_METRICS)[number];

/** What a function accepting events counts per request (under its own service). */
export const INGEST_METRICS = {
  received: "EventsReceived",
  accepted: "EventsAccepted",
  refused: "EventsRefused",
} as const;

/** Match quality (under SERVICES.matchQuality). Per destination and event name, plus purchase totals. */
export const MATCH_METRICS = {
  events: "Events",
  coverageScore: "CoverageScore",
  withStrongKey: "WithStrongKey",
  purchases: "Purchases",
  purchasesWithStrongKey: "PurchasesWithStrongKey",
} as const;

export const DIMENSIONS = {
  service: "service",
  /** Why events were refused or retried, or went to the DLQ: always one of a fixed list (below). */
  reason: "Reason",
  /** TikTok's answer code. */
  code: "Code",
  /**
   * Where events go: "web:<pixel>" for a pixel the operator configured, "web:other" for any other (see
   * OTHER_DIMENSION_VALUE); "offline:…" and "crm:…" alike.
   */
  destination: "Destination",
  /** A TikTok standard event name, or "custom" for every other name (ALLOW_CUSTOM_EVENTS). */
  eventName: "EventName",
  /**
   * The tenant (shop) an event belongs to: a name the operator created with `npm run tenants -- add`, never a
   * caller's input (the authorizer maps a key to it). Events of the single-shop setup carry none.
   */
  tenant: "Tenant",
} as const;

// CloudWatch bills every distinct combination of dimension values as a custom metric, every month. A
// dimension value therefore never comes from a caller: it is one of the fixed lists below, a value the
// operator configured, or the catch-all. A test posts 1,000 hostile requests and counts the combinations.

/** The catch-all value of a bounded dimension: any pixel the operator did not configure, any unlisted reason. */
export const OTHER_DIMENSION_VALUE = "other";
/** The EventName of every event name outside TikTok's standard list (custom events). */
export const CUSTOM_EVENT_DIMENSION_VALUE = "custom";

/**
 * The first part of an invalid field's path that names its own refusal reason (`invalid:user`); any other
 * path counts as `invalid:other`, an unknown field as `unknown_field`, whatever its name.
 */
export const EVENT_FIELD_SECTIONS = [
  "event",
  "event_id",
  "event_time",
  "pixel_code",
  "test_event_code",
  "user",
  "page",
  "properties",
  "limited_data_use",
  "event_source",
  "event_source_id",
  "consent",
  "lead",
] as const;

/** Why POST /events refused a request or its events: the Reason of EventsRefused. */
export const INGEST_REFUSAL_REASONS = [
  "too_large",
  "body_not_json",
  "bad_envelope",
  "too_many_events",
  "event_too_large",
  "queue_unavailable",
  /** No pixel or event set for the event's source: neither the event, its batch nor the relay names one. */
  "no_pixel",
  /** A tenant's key named another tenant's pixel or event set (403), or its tenant was removed. */
  "tenant_destination",
  /** Not an error: the shopper declined (consent: "denied"), so the event is dropped. */
  "consent_denied",
  "unknown_field",
  ...EVENT_FIELD_SECTIONS.map((section) => `invalid:${section}` as const),
  "invalid:other",
] as const;
export type IngestRefusalReason = (typeof INGEST_REFUSAL_REASONS)[number];

/** What the WooCommerce function counts per delivery (under its own service), each with a Reason. */
export const WEBHOOK_METRICS = {
  /** Answered 4xx before anything was read: WooCommerce counts these towards disabling the webhook. */
  refused: "DeliveriesRefused",
  /** Signed deliveries answered 200 without queuing an event. */
  skipped: "OrdersSkipped",
} as const;

/**
 * Why a delivery was refused. `signature_wrong` and `no_secret` are the shop's or operator's to fix and alarm;
 * `unsigned` is never WooCommerce (it signs every delivery but the creation ping), so it is counted only.
 */
export const WEBHOOK_REFUSAL_REASONS = ["signature_wrong", "no_secret", "unsigned", "too_large", "unknown_tenant"] as const;
export type WebhookRefusalReason = (typeof WEBHOOK_REFUSAL_REASONS)[number];

/** Why a signed delivery was skipped. `no_pixel` and `cannot_send` lose a purchase and alarm; the others are normal. */
export const WEBHOOK_SKIP_REASONS = ["no_pixel", "cannot_send", "not_a_purchase", "unhandled_topic", "not_json", "already_sent"] as const;
export type WebhookSkipReason = (typeof WEBHOOK_SKIP_REASONS)[number];
