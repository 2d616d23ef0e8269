import { DIMENSIONS, MATCH_METRICS, SERVICES } from "../contract";
import type { Destination } from "../core/destination";
import { addToTally, type CoverageTally, emptyTally, keyMetricName, MATCH_KEYS, PURCHASE_EVENTS } from "../core/match-quality";
import { destinationDimension, eventNameDimension } from "../core/metric-dimensions";
import type { TikTokEvent } from "../core/schema";
import { writeEmf } from "./emf";

// Match quality of the events TikTok accepted, as CloudWatch EMF metrics under one service
// (SERVICES.matchQuality), dimensioned by destination and event name; the dashboard and the weak-purchase alarm
// read them. The sender publishes them once per invocation for up to 1,000 delivered events: counted where
// events come in bulk, a single-event POST /events writes no metric line at all (CloudWatch Logs bills the bytes,
// not the metrics), and an event is counted once, when TikTok took it, whichever route brought it.
//
// Every dimension value is bounded (lambdas/core/metric-dimensions.ts): a destination the operator did not
// configure counts as "web:other", a custom event name as "custom".

/** `configured`: the destination labels that may be dimension values (configuredDestinations()). */
export function publishMatchQuality(
  delivered: readonly { destination: Pick<Destination, "source" | "id">; event: TikTokEvent }[],
  configured: ReadonlySet<string>,
): void {
  const groups = new Map<string, { destination: string; eventName: string; tally: CoverageTally }>();
  const purchases = emptyTally();
  for (const { destination, event } of delivered) {
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
  // one as a second directive (EMF lets one document feed several dimension sets).
  let totalsWritten = purchases.events === 0;
  for (const { destination, eventName, tally } of groups.values()) {
    const values: Record<string, number> = {
      [MATCH_METRICS.events]: tally.events,
      [MATCH_METRICS.coverageScore]: tally.scoreSum / tally.events,
      [MATCH_METRICS.withStrongKey]: tally.withStrongKey,
    };
    for (const matchKey of MATCH_KEYS) values[keyMetricName(matchKey)] = tally.keys[matchKey];
    const directives = [{ dimensions: [DIMENSIONS.destination, DIMENSIONS.eventName], names: Object.keys(values) }];
    if (!totalsWritten) {
      values[MATCH_METRICS.purchases] = purchases.events;
      values[MATCH_METRICS.purchasesWithStrongKey] = purchases.withStrongKey;
      // Without further dimensions, so one alarm can watch the share of purchases with a strong key across destinations.
      directives.push({ dimensions: [], names: [MATCH_METRICS.purchases, MATCH_METRICS.purchasesWithStrongKey] });
      totalsWritten = true;
    }
    writeEmf(
      SERVICES.matchQuality,
      directives,
      { [DIMENSIONS.destination]: destination, [DIMENSIONS.eventName]: eventName },
      values,
      (name) => (name === MATCH_METRICS.coverageScore ? "None" : "Count"),
    );
  }
}
