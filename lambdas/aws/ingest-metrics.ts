import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { addToTally, emptyTally, MATCH_KEYS, keyMetricName, PURCHASE_EVENTS, type CoverageTally } from "../core/match-quality";
import type { IngestReport } from "../ingest/ingest";

// What the ingest function measures per request, as CloudWatch EMF metrics (written to the log: no API calls,
// no latency). Match quality is dimensioned by pixel and event name, so a shop sees which events lack which keys.

export function publishIngestReport(metrics: Metrics, report: IngestReport): void {
  metrics.addMetric("EventsReceived", MetricUnit.Count, report.received);
  metrics.addMetric("EventsAccepted", MetricUnit.Count, report.accepted.length);
  for (const [reason, count] of Object.entries(report.rejected)) {
    const single = metrics.singleMetric();
    single.addDimension("Reason", reason);
    single.addMetric("EventsRefused", MetricUnit.Count, count);
  }

  const groups = new Map<string, { pixel: string; eventName: string; tally: CoverageTally }>();
  const purchases = emptyTally();
  for (const { pixelCode, event } of report.accepted) {
    const key = `${pixelCode}\u0000${event.event}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { pixel: pixelCode, eventName: event.event, tally: emptyTally() }));
    addToTally(group.tally, event);
    if (PURCHASE_EVENTS.has(event.event)) addToTally(purchases, event);
  }
  for (const { pixel, eventName, tally } of groups.values()) {
    // One EMF line per pixel and event name with all its figures (a singleMetric would carry only one).
    // Namespace and service come from the environment, as for `metrics`.
    const group = new Metrics({ defaultDimensions: { Pixel: pixel, EventName: eventName } });
    group.addMetric("Events", MetricUnit.Count, tally.events);
    group.addMetric("CoverageScore", MetricUnit.NoUnit, tally.scoreSum / tally.events);
    group.addMetric("WithStrongKey", MetricUnit.Count, tally.withStrongKey);
    for (const matchKey of MATCH_KEYS) group.addMetric(keyMetricName(matchKey), MetricUnit.Count, tally.keys[matchKey]);
    group.publishStoredMetrics();
  }
  // Without dimensions, so one alarm can watch the share of purchases with a strong key across pixels.
  if (purchases.events > 0) {
    metrics.addMetric("Purchases", MetricUnit.Count, purchases.events);
    metrics.addMetric("PurchasesWithStrongKey", MetricUnit.Count, purchases.withStrongKey);
  }
}
