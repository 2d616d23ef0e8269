import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DIMENSIONS, INGEST_METRICS } from "../contract";
import { reasonDimension } from "../core/metric-dimensions";
import type { IngestReport } from "../core/reports";

// What a function that accepts events counts per request, as CloudWatch EMF metrics under its own service.
// Match quality is not here: the sender counts it for the events TikTok took (lambdas/aws/match-quality-metrics.ts).
// Every reason is bounded (lambdas/core/metric-dimensions.ts): an unlisted one counts as "other".

/** Refused events by reason: one data point per reason, only when the request refused any. */
export function publishRefusals(metrics: Metrics, report: IngestReport): void {
  const refused = new Map<string, number>();
  for (const [reason, count] of Object.entries(report.rejected)) {
    const value = reasonDimension(reason);
    refused.set(value, (refused.get(value) ?? 0) + count);
  }
  for (const [reason, count] of refused) {
    // A single metric is written at once, with its own dimension: no middleware, nothing on a request without refusals.
    const single = metrics.singleMetric();
    single.addDimension(DIMENSIONS.reason, reason);
    single.addMetric(INGEST_METRICS.refused, MetricUnit.Count, count);
  }
}

/**
 * The WooCommerce webhook's counts: received and accepted events, and refusals by reason. One order per delivery,
 * a few per minute at most, so every delivery counts (POST /events, which can take thousands a second, counts
 * only refusals: accepted events are the events queue's NumberOfMessagesSent).
 */
export function publishIngestReport(metrics: Metrics, report: IngestReport): void {
  metrics.addMetric(INGEST_METRICS.received, MetricUnit.Count, report.received);
  metrics.addMetric(INGEST_METRICS.accepted, MetricUnit.Count, report.accepted.length);
  publishRefusals(metrics, report);
}
