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
  /** Why events were refused or retried, or went to the DLQ. */
  reason: "Reason",
  /** TikTok's answer code. */
  code: "Code",
  /** Where events go: "web:<pixel>", "offline:<event set>", "crm:<event set>". */
  destination: "Destination",
  eventName: "EventName",
} as const;
