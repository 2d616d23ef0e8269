import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type { Construct } from "constructs";
import {
  DIMENSIONS,
  MATCH_METRICS,
  SERVICES,
  type SenderMetric,
  WEBHOOK_METRICS,
  type WebhookRefusalReason,
  type WebhookSkipReason,
} from "../lambdas/contract";
import { metricsNamespace } from "./relay-function";

// The functions' EMF metrics (names, dimensions and services from lambdas/contract/metrics.ts) as CloudWatch
// metrics the alarms and the dashboard read. A metric an alarm reads is one dimension set exactly: an alarm
// cannot add up a SEARCH.

/** A sender outcome's total (published without its Code/Reason dimension, for alarms). */
export function senderMetric(scope: Construct, metricName: SenderMetric, period: Duration, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricsNamespace(scope),
    metricName,
    dimensionsMap: { [DIMENSIONS.service]: SERVICES.sender },
    statistic: cloudwatch.Stats.SUM,
    period,
    label,
  });
}

/** A function's own metric, by its service name (e.g. LedgerErrors of the sender or the webhook). */
export function serviceMetric(scope: Construct, service: string, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricsNamespace(scope),
    metricName,
    dimensionsMap: { [DIMENSIONS.service]: service },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/** WooCommerce deliveries refused (4xx) or skipped (200, nothing queued) for one reason. */
export function webhookMetric(
  scope: Construct,
  outcome: keyof typeof WEBHOOK_METRICS,
  reason: WebhookRefusalReason | WebhookSkipReason,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricsNamespace(scope),
    metricName: WEBHOOK_METRICS[outcome],
    dimensionsMap: { [DIMENSIONS.service]: SERVICES.woocommerce, [DIMENSIONS.reason]: reason },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/** One line per value of a dimension (a TikTok code, a reason). Dashboards only: alarms cannot use SEARCH. */
export function searchByDimension(
  scope: Construct,
  service: string,
  metricName: string,
  dimension: "Code" | "Reason",
  label: string,
  period = Duration.minutes(5),
): cloudwatch.MathExpression {
  const query = `{${metricsNamespace(scope)},${dimension},${DIMENSIONS.service}} MetricName="${metricName}" ${DIMENSIONS.service}="${service}"`;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${query}', 'Sum', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
    label: `${label} \${PROP('Dim.${dimension}')}`,
  });
}

/** Share of purchase events carrying a strong key; published without dimensions so an alarm can use it. */
export function strongPurchaseShare(scope: Construct, period: Duration): cloudwatch.MathExpression {
  const metric = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: metricsNamespace(scope),
      metricName,
      dimensionsMap: { [DIMENSIONS.service]: SERVICES.matchQuality },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  return new cloudwatch.MathExpression({
    expression: "100 * strong / purchases",
    usingMetrics: { strong: metric(MATCH_METRICS.purchasesWithStrongKey), purchases: metric(MATCH_METRICS.purchases) },
    period,
    label: "purchases with a strong key, %",
  });
}
