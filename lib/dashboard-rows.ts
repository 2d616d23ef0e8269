import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { DIMENSIONS, MATCH_METRICS, SERVICES, WEBHOOK_METRICS } from "../lambdas/contract";
import type { EdgeMetrics } from "./edge";
import { metricsNamespace } from "./relay-function";
import { searchByDimension, senderMetric, strongPurchaseShare } from "./relay-metrics";

// The dashboard's rows, top to bottom in the order an event travels: requests in (per route), the functions
// that take them, the queues, the sender's outcomes and TikTok's answers, the sender itself, match quality.

export interface DashboardSources {
  readonly edge: EdgeMetrics;
  readonly functions: {
    readonly ingest: IFunction;
    readonly authorizer: IFunction;
    readonly woocommerce: IFunction;
    readonly sender: IFunction;
  };
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);
const half = { width: 12, height: 6 };
const third = { width: 8, height: 6 };

export function flowRows(scope: Construct, sources: DashboardSources): cloudwatch.IWidget[][] {
  const { queue, deadLetterQueue, functions, edge } = sources;
  const apiMetric = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
  const share = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.AVERAGE };
  const { sender, ingest } = functions;
  return [
    [
      new cloudwatch.GraphWidget({
        title: "API requests (all routes) and errors",
        ...half,
        left: [edge.requests({ ...apiMetric, label: "requests" })],
        right: [edge.clientErrors({ ...apiMetric, label: "4XX" }), edge.serverErrors({ ...apiMetric, label: "5XX" })],
      }),
      new cloudwatch.GraphWidget({
        title: "Ingest function",
        ...half,
        left: [ingest.metricDuration({ statistic: cloudwatch.Stats.p(99), label: "duration p99" })],
        right: [ingest.metricErrors({ label: "errors" }), ingest.metricThrottles({ label: "throttles" })],
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: "Error share per route (0–1; the 4xx and 5xx alarms watch these)",
        ...half,
        left: [
          edge.route("events").clientErrors({ ...share, label: "POST /events 4XX" }),
          edge.route("events").serverErrors({ ...share, label: "POST /events 5XX" }),
          edge.route("woocommerce").clientErrors({ ...share, label: "POST /woocommerce 4XX" }),
          edge.route("woocommerce").serverErrors({ ...share, label: "POST /woocommerce 5XX" }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: "WooCommerce deliveries refused (4xx) and skipped (200, nothing queued), by reason",
        ...half,
        left: [
          searchByDimension(scope, SERVICES.woocommerce, WEBHOOK_METRICS.refused, "Reason", "refused"),
          searchByDimension(scope, SERVICES.woocommerce, WEBHOOK_METRICS.skipped, "Reason", "skipped"),
        ],
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: "Authorizer and WooCommerce functions: errors and throttles",
        ...half,
        left: [
          functions.authorizer.metricErrors({ label: "authorizer errors" }),
          functions.authorizer.metricThrottles({ label: "authorizer throttles" }),
          functions.woocommerce.metricErrors({ label: "WooCommerce errors" }),
          functions.woocommerce.metricThrottles({ label: "WooCommerce throttles" }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: "Events queue: depth and age of the oldest event",
        ...half,
        left: [
          queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cloudwatch.Stats.MAXIMUM, label: "waiting" }),
          // Retries wait hidden (their visibility is the backoff delay), so an outage shows here, not above.
          queue.metricApproximateNumberOfMessagesNotVisible({
            period: ONE_MINUTE,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: "in flight or backing off",
          }),
        ],
        right: [
          queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: cloudwatch.Stats.MAXIMUM, label: "oldest (s)" }),
        ],
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: "Dead-letter queue depth",
        ...half,
        left: [
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: "in the DLQ",
          }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: "Events per minute: queued, and what the sender made of them",
        ...half,
        left: [
          // Every accepted event is one message: POST /events counts no accepted metric of its own (logs are billed by the byte).
          queue.metricNumberOfMessagesSent({
            period: ONE_MINUTE,
            statistic: cloudwatch.Stats.SUM,
            label: "queued (messages added to the events queue)",
          }),
          senderMetric(scope, "EventsDelivered", ONE_MINUTE, "delivered"),
          senderMetric(scope, "EventsRetried", ONE_MINUTE, "retried"),
          senderMetric(scope, "EventsDeadLettered", ONE_MINUTE, "dead-lettered"),
          senderMetric(scope, "EventsTooOld", ONE_MINUTE, "too old"),
          senderMetric(scope, "EventsAlreadyDelivered", ONE_MINUTE, "already delivered (ledger)"),
        ],
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: "TikTok error codes (rejected: to the DLQ; retried: back to the queue)",
        ...half,
        left: [
          searchByDimension(scope, SERVICES.sender, "EventsRejected", "Code", "rejected"),
          searchByDimension(scope, SERVICES.sender, "EventsRetried", "Reason", "retried"),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: "Sender duration (ms)",
        ...half,
        left: [
          sender.metricDuration({ statistic: cloudwatch.Stats.p(50), label: "p50" }),
          sender.metricDuration({ statistic: cloudwatch.Stats.p(99), label: "p99" }),
          sender.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, label: "max" }),
        ],
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: "Sender invocations, errors and throttles",
        ...half,
        left: [sender.metricInvocations({ label: "invocations" })],
        right: [sender.metricErrors({ label: "errors" }), sender.metricThrottles({ label: "throttles" })],
      }),
    ],
  ];
}

/**
 * Which identifiers events carry, from the match-quality metrics of every function that accepts events
 * (POST /events and the WooCommerce webhook, lambdas/aws/ingest-metrics.ts), published under one service.
 */
export function matchQualityRow(scope: Construct): cloudwatch.IWidget[] {
  // Per-event metrics carry the dimensions Destination and EventName (plus Powertools' service): SEARCH sums them up.
  const search = (metricName: string, statistic: string) =>
    `SEARCH('{${metricsNamespace(scope)},${DIMENSIONS.eventName},${DIMENSIONS.destination},${DIMENSIONS.service}} MetricName="${metricName}" ${DIMENSIONS.service}="${SERVICES.matchQuality}"', '${statistic}', 3600)`;
  const share = (key: string, label: string) =>
    new cloudwatch.MathExpression({
      expression: `100 * SUM(${search(key, "Sum")}) / SUM(${search(MATCH_METRICS.events, "Sum")})`,
      usingMetrics: {},
      period: Duration.hours(1),
      label,
    });
  return [
    new cloudwatch.GraphWidget({
      title: "Match keys: % of accepted events carrying each",
      ...third,
      left: [
        share("WithEmail", "email"),
        share("WithPhone", "phone"),
        share("WithTtclid", "ttclid"),
        share("WithExternalId", "external_id"),
        share("WithTtp", "ttp"),
        share("WithIp", "ip"),
        share("WithUserAgent", "user agent"),
      ],
      leftYAxis: { min: 0, max: 100 },
    }),
    new cloudwatch.GraphWidget({
      title: "Coverage score (0–100) by event name and destination",
      ...third,
      left: [
        new cloudwatch.MathExpression({
          expression: search(MATCH_METRICS.coverageScore, "Average"),
          usingMetrics: {},
          period: Duration.hours(1),
          label: "",
        }),
      ],
      leftYAxis: { min: 0, max: 100 },
    }),
    new cloudwatch.GraphWidget({
      title: "Purchases with an e-mail, phone or ttclid, %",
      ...third,
      left: [strongPurchaseShare(scope, Duration.hours(1))],
      leftYAxis: { min: 0, max: 100 },
    }),
  ];
}
