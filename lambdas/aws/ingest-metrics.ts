import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DIMENSIONS, ENV, INGEST_METRICS, MATCH_METRICS, SERVICES } from "../contract";
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
  // One EMF document per destination and event name with all its figures; the purchase totals ride in the first
  // one as a second directive (EMF lets one document feed several dimension sets). A single-event request so
  // writes one match-quality line instead of two: CloudWatch Logs bills the bytes, not the metrics.
  let totalsWritten = purchases.events === 0;
  for (const { destination, eventName, tally } of groups.values()) {
    const values: Record<string, number> = {
      [MATCH_METRICS.events]: tally.events,
      [MATCH_METRICS.coverageScore]: tally.scoreSum / tally.events,
      [MATCH_METRICS.withStrongKey]: tally.withStrongKey,
    };
    for (const matchKey of MATCH_KEYS) values[keyMetricName(matchKey)] = tally.keys[matchKey];
    const directives = [{ dimensions: [SERVICE, DIMENSIONS.destination, DIMENSIONS.eventName], names: Object.keys(values) }];
    if (!totalsWritten) {
      values[MATCH_METRICS.purchases] = purchases.events;
      values[MATCH_METRICS.purchasesWithStrongKey] = purchases.withStrongKey;
      // Without further dimensions, so one alarm can watch the share of purchases with a strong key across destinations.
      directives.push({ dimensions: [SERVICE], names: [MATCH_METRICS.purchases, MATCH_METRICS.purchasesWithStrongKey] });
      totalsWritten = true;
    }
    writeEmf(directives, { [DIMENSIONS.destination]: destination, [DIMENSIONS.eventName]: eventName }, values);
  }
}

const SERVICE = "service";

/** One EMF document on stdout, as Powertools writes them (its own Console on stdout): CloudWatch reads it as metrics. */
function writeEmf(
  directives: { dimensions: string[]; names: string[] }[],
  dimensions: Record<string, string>,
  values: Record<string, number>,
): void {
  const namespace = process.env[ENV.metricsNamespace] ?? "";
  const unit = (name: string) => (name === MATCH_METRICS.coverageScore ? "None" : "Count");
  const document = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: directives.map(({ dimensions: set, names }) => ({
        Namespace: namespace,
        Dimensions: [set],
        Metrics: names.map((name) => ({ Name: name, Unit: unit(name) })),
      })),
    },
    [SERVICE]: SERVICES.matchQuality,
    ...dimensions,
    ...values,
  };
  process.stdout.write(`${JSON.stringify(document)}\n`);
}
