import { Duration, Stack, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DIMENSIONS, MATCH_METRICS, SERVICES, type SenderMetric } from "../lambdas/contract";
import type { RelayConfig } from "./config";
import type { EdgeMetrics } from "./edge";
import { metricsNamespace } from "./relay-function";

export interface MonitoringProps {
  /** The API's request metrics (requests, 4XX, 5XX), whatever the API's flavour. */
  readonly edge: EdgeMetrics;
  readonly ingestFunction: IFunction;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly senderFunction: IFunction;
  readonly config: Pick<
    RelayConfig,
    "alarmEmail" | "oldestMessageAgeAlarmSeconds" | "noEventsAlarmHours" | "api5xxAlarmPercent" | "strongKeyAlarmPercent"
  >;
}

/** Names of the alarms; add one here and in the constructor to extend. */
export type RelayAlarmName =
  | "dlqNotEmpty"
  | "oldestMessageTooOld"
  | "senderErrors"
  | "senderThrottles"
  | "api5xxRate"
  | "tiktokRejections"
  | "ledgerErrors"
  | "noEventsReceived"
  | "weakPurchases";

/** `noEventsReceived` exists only when `noEventsAlarmHours` > 0, `weakPurchases` when `strongKeyAlarmPercent` > 0. */
export type RelayAlarms = Readonly<
  Record<Exclude<RelayAlarmName, "noEventsReceived" | "weakPurchases">, cloudwatch.Alarm> & {
    noEventsReceived?: cloudwatch.Alarm;
    weakPurchases?: cloudwatch.Alarm;
  }
>;

// The functions' EMF metrics: names, dimensions and services from the contract (lambdas/contract/metrics.ts).
type SenderMetricName = SenderMetric;

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/** Alarms on the failures a relay owner must act on, all notifying one SNS topic, and one dashboard. */
export class Monitoring extends Construct {
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: RelayAlarms;
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, queue, deadLetterQueue, senderFunction, edge } = props;

    this.alarmTopic = new sns.Topic(this, "AlarmTopic", { displayName: "tiktok-events-relay alarms", enforceSSL: true });
    if (config.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
      Validations.of(this.alarmTopic).acknowledge({
        id: "Serverless-SNSRedrivePolicy",
        reason:
          "An e-mail that cannot be delivered needs no queue: the alarm stays in ALARM and shows on the dashboard until its cause is fixed.",
      });
    }

    // Unless said otherwise, missing data is NOT_BREACHING: these metrics are absent when nothing happens
    // (no traffic, no invocation, no rejection), and quiet is healthy.
    const quiet = cloudwatch.TreatMissingData.NOT_BREACHING;
    const atLeastOne = { threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD };

    this.alarms = {
      dlqNotEmpty: this.alarm("DlqNotEmpty", {
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cloudwatch.Stats.MAXIMUM }),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "Events reached the dead-letter queue: TikTok rejected them or delivery kept failing. `npm run dlq -- peek` says why; fix the cause, then redrive the DLQ.",
      }),
      oldestMessageTooOld: this.alarm("OldestMessageTooOld", {
        metric: queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: config.oldestMessageAgeAlarmSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: quiet,
        alarmDescription: `An event has waited more than ${config.oldestMessageAgeAlarmSeconds} s in the events queue: the sender is failing, throttled or too slow. Check the sender logs and TikTok's status.`,
      }),
      senderErrors: this.alarm("SenderErrors", {
        metric: senderFunction.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "The sender Lambda failed whole invocations (crash, timeout or bad configuration such as a missing token). See its log group; SQS retries the batch.",
      }),
      senderThrottles: this.alarm("SenderThrottles", {
        metric: senderFunction.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "Lambda refused to run the sender (the account's concurrency is used up by other functions). Events wait in the queue; raise the account limit or reserve concurrency for the sender.",
      }),
      // Average of 5XXError is the failed share of requests (API Gateway records 0 or 1 per request): a plain
      // metric alarm, no math expression, and the graph reads in the unit of the threshold.
      api5xxRate: this.alarm("Api5xxRate", {
        metric: edge.serverErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.AVERAGE }),
        threshold: config.api5xxAlarmPercent / 100,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: quiet,
        alarmDescription: `More than ${config.api5xxAlarmPercent}% of POST /events answered 5xx over 5 minutes: the ingest function fails or the queue refuses events. Callers must re-post; check the ingest function's logs.`,
      }),
      // Also a DLQ arrival, but DlqNotEmpty stays in ALARM until the DLQ is drained: this one reports each new burst.
      tiktokRejections: this.alarm("TikTokRejections", {
        metric: this.senderMetric("EventsRejected", FIVE_MINUTES),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "TikTok refused events (bad rows, e.g. code 40002); they are in the DLQ with TikTok's code. `npm run dlq -- peek` shows the message; fix the sending side, then redrive.",
      }),
      // Either function that uses the ledger (the sender, the WooCommerce webhook) counts its failures.
      ledgerErrors: this.alarm("LedgerErrors", {
        metric: new cloudwatch.MathExpression({
          expression: "FILL(sender, 0) + FILL(woocommerce, 0)",
          usingMetrics: {
            sender: this.serviceMetric(SERVICES.sender, "LedgerErrors"),
            woocommerce: this.serviceMetric(SERVICES.woocommerce, "LedgerErrors"),
          },
          period: FIVE_MINUTES,
          label: "ledger errors",
        }),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "The delivery ledger (DynamoDB) could not be read or written: events were sent without checking it (TikTok still drops a repeat within 48 h) or delivered without being recorded. Check the table and the sender's logs; nothing is lost.",
      }),
      ...(config.noEventsAlarmHours > 0 ? { noEventsReceived: this.noEventsReceived(queue, config.noEventsAlarmHours) } : {}),
      ...(config.strongKeyAlarmPercent > 0
        ? {
            weakPurchases: this.alarm("WeakPurchaseMatch", {
              metric: this.strongPurchaseShare(Duration.hours(1)),
              threshold: config.strongKeyAlarmPercent,
              comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              // No purchases in the hour is not a match problem (NoEventsReceived covers silence).
              treatMissingData: quiet,
              alarmDescription: `Over the last hour fewer than ${config.strongKeyAlarmPercent}% of purchase events carried an e-mail, phone or ttclid: TikTok will attribute few of them. A checkout change probably stopped passing the shopper's details (README, Match quality).`,
            }),
          }
        : {}),
    };

    const alarmStatus = new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: Object.values(this.alarms), width: 24 });
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.hours(6),
      widgets: [...this.flowRows(props), this.matchQualityWidgets(), [alarmStatus]].filter((row) => row.length > 0),
    });
  }

  /** Rows top to bottom: requests in, the queues, the sender's outcomes and TikTok's answers, the sender itself. */
  private flowRows(props: MonitoringProps): cloudwatch.IWidget[][] {
    const { queue, deadLetterQueue, senderFunction, ingestFunction, edge } = props;
    const apiMetric = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
    const half = { width: 12, height: 6 };
    return [
      [
        new cloudwatch.GraphWidget({
          title: "API requests (POST /events) and errors",
          ...half,
          left: [edge.requests({ ...apiMetric, label: "requests" })],
          right: [edge.clientErrors({ ...apiMetric, label: "4XX" }), edge.serverErrors({ ...apiMetric, label: "5XX" })],
        }),
        new cloudwatch.GraphWidget({
          title: "Ingest function",
          ...half,
          left: [ingestFunction.metricDuration({ statistic: cloudwatch.Stats.p(99), label: "duration p99" })],
          right: [ingestFunction.metricErrors({ label: "errors" }), ingestFunction.metricThrottles({ label: "throttles" })],
        }),
      ],
      [
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
      ],
      [
        new cloudwatch.GraphWidget({
          title: "Events per minute (sender)",
          ...half,
          left: [
            this.senderMetric("EventsDelivered", ONE_MINUTE, "delivered"),
            this.senderMetric("EventsRetried", ONE_MINUTE, "retried"),
            this.senderMetric("EventsDeadLettered", ONE_MINUTE, "dead-lettered"),
            this.senderMetric("EventsTooOld", ONE_MINUTE, "too old"),
            this.senderMetric("EventsAlreadyDelivered", ONE_MINUTE, "already delivered (ledger)"),
          ],
        }),
        new cloudwatch.GraphWidget({
          title: "TikTok error codes (rejected: to the DLQ; retried: back to the queue)",
          ...half,
          left: [
            this.searchByDimension("EventsRejected", "Code", "rejected"),
            this.searchByDimension("EventsRetried", "Reason", "retried"),
          ],
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: "Sender duration (ms)",
          ...half,
          left: [
            senderFunction.metricDuration({ statistic: cloudwatch.Stats.p(50), label: "p50" }),
            senderFunction.metricDuration({ statistic: cloudwatch.Stats.p(99), label: "p99" }),
            senderFunction.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, label: "max" }),
          ],
        }),
        new cloudwatch.GraphWidget({
          title: "Sender invocations, errors and throttles",
          ...half,
          left: [senderFunction.metricInvocations({ label: "invocations" })],
          right: [senderFunction.metricErrors({ label: "errors" }), senderFunction.metricThrottles({ label: "throttles" })],
        }),
      ],
    ];
  }

  /**
   * Which identifiers events carry, from the match-quality metrics of every function that accepts events
   * (POST /events and the WooCommerce webhook, lambdas/aws/ingest-metrics.ts), published under one service.
   */
  private matchQualityWidgets(): cloudwatch.IWidget[] {
    const third = { width: 8, height: 6 };
    // Per-event metrics carry the dimensions Destination and EventName (plus Powertools' service): SEARCH sums them up.
    const search = (metricName: string, statistic: string) =>
      `SEARCH('{${metricsNamespace(this)},${DIMENSIONS.eventName},${DIMENSIONS.destination},${DIMENSIONS.service}} MetricName="${metricName}" ${DIMENSIONS.service}="${SERVICES.matchQuality}"', '${statistic}', 3600)`;
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
        left: [this.strongPurchaseShare(Duration.hours(1))],
        leftYAxis: { min: 0, max: 100 },
      }),
    ];
  }

  /** Share of purchase events carrying a strong key; published without dimensions so an alarm can use it. */
  private strongPurchaseShare(period: Duration): cloudwatch.MathExpression {
    const metric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: metricsNamespace(this),
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

  /** A function's own metric, by its service name. */
  private serviceMetric(service: string, metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: metricsNamespace(this),
      metricName,
      dimensionsMap: { [DIMENSIONS.service]: service },
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
    });
  }

  /** The metric's total (published without its Code/Reason dimension, for alarms). */
  private senderMetric(metricName: SenderMetricName, period: Duration, label?: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: metricsNamespace(this),
      metricName,
      dimensionsMap: { [DIMENSIONS.service]: SERVICES.sender },
      statistic: cloudwatch.Stats.SUM,
      period,
      label,
    });
  }

  /** One line per dimension value (e.g. per TikTok code). Dashboards only: alarms cannot use SEARCH. */
  private searchByDimension(metricName: SenderMetricName, dimension: "Code" | "Reason", label: string): cloudwatch.MathExpression {
    const query = `{${metricsNamespace(this)},${dimension},${DIMENSIONS.service}} MetricName="${metricName}" ${DIMENSIONS.service}="${SERVICES.sender}"`;
    return new cloudwatch.MathExpression({
      expression: `SEARCH('${query}', 'Sum', 300)`,
      usingMetrics: {},
      period: FIVE_MINUTES,
      label: `${label} \${PROP('Dim.${dimension}')}`,
    });
  }

  /** Nothing reached the events queue for `hours`: the shop stopped sending (broken plugin, revoked key, outage). */
  private noEventsReceived(queue: IQueue, hours: number): cloudwatch.Alarm {
    // A 1 h period lets the window reach 7 days (CloudWatch allows ≤ 1 day only for periods under an hour).
    return this.alarm("NoEventsReceived", {
      metric: queue.metricNumberOfMessagesSent({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: hours,
      datapointsToAlarm: hours,
      // SQS stops publishing the metrics of an idle queue: here silence is exactly the failure to report.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `No event reached the events queue for ${hours} h. Check that the shop still posts (its logs, its API key) and that POST /events answers 202.`,
    });
  }

  /** `treatMissingData` is required: what silence means differs per alarm. */
  private alarm(
    id: string,
    props: Omit<cloudwatch.AlarmProps, "alarmName" | "evaluationPeriods" | "treatMissingData"> & {
      evaluationPeriods?: number;
      treatMissingData: cloudwatch.TreatMissingData;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, { evaluationPeriods: 1, ...props, alarmName: `${Stack.of(this).stackName}-${id}` });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    // Tell the owner when it is over, too.
    alarm.addOkAction(action);
    return alarm;
  }
}
