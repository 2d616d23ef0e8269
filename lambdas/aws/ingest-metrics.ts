import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DIMENSIONS, INGEST_METRICS, MATCH_METRICS, SERVICES } from "../contract";
import { addToTally, type CoverageTally, emptyTally, keyMetricName, MATCH_KEYS, PURCHASE_EVENTS } from "../core/match-quality";
import { destinationDimension, eventNameDimension, reasonDimension } from "../core/metric-dimensions";
import type { IngestReport } from "../core/reports";

// What a function that accepts events (POST /events, the WooCommerce webhook) measures per request, as
// CloudWatch EMF metrics (written to the log: no API calls, no latency). Counts of received, accepted and
// refused events go under the function's own service; match quality goes under one shared service
// (SERVICES.matchQuality), dimensioned by destination and event name, so the dashboard and the weak-purchase
// alarm see every accepted event, whichever function accepted it.
//
// Every dimension value is bounded (lambdas/core/metric-dimensions.ts): a destination the operator did not
// configure counts as "web:other", a custom event name as "custom", an unlisted reason as "other".

/** `configured`: the destination labels that may be dimension values (configuredDestinations()). */
export function publishIngestReport(metrics: Metrics, report: IngestReport, configured: ReadonlySet<string>): void {
  metrics.addMetric(INGEST_METRICS.received, MetricUnit.Count, report.received);
  metrics.addMetric(INGEST_METRICS.accepted, MetricUnit.Count, report.accepted.length);
  const refused = new Map<string, number>();
  for (const [reason, count] of Object.entries(report.rejected)) {
    const value = reasonDimension(reason);
    refused.set(value, (refused.get(value) ?? 0) + count);
  }
  for (const [reason, count] of refused) {
    const single = metrics.singleMetric();
    single.addDimension(DIMENSIONS.reason, reason);
    single.addMetric(INGEST_METRICS.refused, MetricUnit.Count, count);
  }

  const groups = new Map<string, { destination: string; eventName: string; tally: CoverageTally }>();
  const purchases = emptyTally();
  for (const { destination, event } of report.accepted) {
    const label = destinationDimension(destination, configured);
    const eventName = eventNameDimension(event.event);
    const key = `${label}\u0000${eventName}`;
    let group = groups.get(key);
    if (!group) {
      group = { destination: label, eventName, tally: emptyTally() };
      groups.set(key, group);
    }
    addToTally(group.tally, event);
    if (PURCHASE_EVENTS.has(event.event)) addToTally(purchases, event);
  }
  for (const { destination, eventName, tally } of groups.values()) {
    // One EMF line per destination and event name with all its figures (a singleMetric would carry only one).
    // The namespace comes from the environment, as for `metrics`.
    const group = matchQualityMetrics({ [DIMENSIONS.destination]: destination, [DIMENSIONS.eventName]: eventName });
    group.addMetric(MATCH_METRICS.events, MetricUnit.Count, tally.events);
    group.addMetric(MATCH_METRICS.coverageScore, MetricUnit.NoUnit, tally.scoreSum / tally.events);
    group.addMetric(MATCH_METRICS.withStrongKey, MetricUnit.Count, tally.withStrongKey);
    for (const matchKey of MATCH_KEYS) group.addMetric(keyMetricName(matchKey), MetricUnit.Count, tally.keys[matchKey]);
    group.publishStoredMetrics();
  }
  // Without further dimensions, so one alarm can watch the share of purchases with a strong key across destinations.
  if (purchases.events > 0) {
    const totals = matchQualityMetrics({});
    totals.addMetric(MATCH_METRICS.purchases, MetricUnit.Count, purchases.events);
    totals.addMetric(MATCH_METRICS.purchasesWithStrongKey, MetricUnit.Count, purchases.withStrongKey);
    totals.publishStoredMetrics();
  }
}

function matchQualityMetrics(dimensions: Record<string, string>): Metrics {
  return new Metrics({ serviceName: SERVICES.matchQuality, defaultDimensions: dimensions });
}
