import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DIMENSIONS, WEBHOOK_METRICS, WEBHOOK_REFUSAL_REASONS, WEBHOOK_SKIP_REASONS } from "../contract";
import { reasonDimension } from "../core/metric-dimensions";
import type { WebhookOutcome } from "../core/reports";

// WooCommerce deliveries that queued nothing, as EMF metrics under the WooCommerce function's service: one data
// point per delivery, dimensioned by a reason from the contract's fixed lists. The alarms on signature failures
// and skipped purchases read these (lib/monitoring.ts).

const REFUSALS = new Set<string>(WEBHOOK_REFUSAL_REASONS);
const SKIPS = new Set<string>(WEBHOOK_SKIP_REASONS);

export function publishWebhookOutcome(metrics: Metrics, outcome: WebhookOutcome): void {
  const single = metrics.singleMetric();
  if (outcome.kind === "refused") {
    single.addDimension(DIMENSIONS.reason, reasonDimension(outcome.reason, REFUSALS));
    single.addMetric(WEBHOOK_METRICS.refused, MetricUnit.Count, 1);
  } else {
    single.addDimension(DIMENSIONS.reason, reasonDimension(outcome.reason, SKIPS));
    single.addMetric(WEBHOOK_METRICS.skipped, MetricUnit.Count, 1);
  }
}
