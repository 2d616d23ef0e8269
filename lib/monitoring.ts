import { Annotations, Duration, Stack, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { SERVICES } from "../lambdas/contract";
import type { RelayConfig } from "./config";
import { flowRows, matchQualityRow } from "./dashboard-rows";
import type { EdgeMetrics, RouteName } from "./edge";
import { senderMetric, serviceMetric, strongPurchaseShare, webhookMetric } from "./relay-metrics";
import { tenantAlarmProps, tenantRow, tenantVariable } from "./tenant-monitoring";

export interface MonitoringProps {
  /** The API's request metrics (requests, 4XX, 5XX, overall and per route), whatever the API's flavour. */
  readonly edge: EdgeMetrics;
  /** Every function of the relay: each one's errors and throttles alarm. */
  readonly functions: {
    readonly ingest: IFunction;
    readonly authorizer: IFunction;
    readonly woocommerce: IFunction;
    readonly sender: IFunction;
  };
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly config: Pick<
    RelayConfig,
    | "alarmEmail"
    | "oldestMessageAgeAlarmSeconds"
    | "noEventsAlarmHours"
    | "api5xxAlarmPercent"
    | "api4xxAlarmPercent"
    | "strongKeyAlarmPercent"
    | "tenantAlarms"
  >;
}

/**
 * The alarms every stack has: one for each way an event can be lost or held up (README, "The alarms"). Add
 * one here, in the constructor, and in the README's table.
 */
export type RelayAlarmName =
  | "dlqNotEmpty"
  | "oldestMessageTooOld"
  | "tiktokRejections"
  | "tiktokFailing"
  | "senderErrors"
  | "senderThrottles"
  | "ingestErrors"
  | "ingestThrottles"
  | "authorizerErrors"
  | "authorizerThrottles"
  | "woocommerceErrors"
  | "woocommerceThrottles"
  | "events4xxRate"
  | "events5xxRate"
  | "woocommerce4xxRate"
  | "woocommerce5xxRate"
  | "woocommerceSignatureFailures"
  | "woocommerceOrdersWithoutPixel"
  | "woocommerceOrdersUnsendable"
  | "ledgerErrors";

/** `noEventsReceived` exists only when `noEventsAlarmHours` > 0, `weakPurchases` when `strongKeyAlarmPercent` > 0. */
export type RelayAlarms = Readonly<Record<RelayAlarmName, cloudwatch.Alarm>> & {
  readonly noEventsReceived?: cloudwatch.Alarm;
  readonly weakPurchases?: cloudwatch.Alarm;
};

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/** What each function's failures mean for events, and what to do: the alarm descriptions say it. */
const FUNCTIONS = {
  ingest: {
    id: "Ingest",
    errors: "The ingest function failed whole requests (crash, timeout): those callers got a 5xx and must post again. See its log group.",
    throttled: "Those callers got a 5xx and must post again.",
  },
  authorizer: {
    id: "Authorizer",
    errors:
      "The authorizer failed (most likely it cannot read the ingest key secret): POST /events answered 503 and accepted nothing. See its log group and the secret.",
    throttled: "POST /events answered 503 to callers whose key was not in API Gateway's cache.",
  },
  woocommerce: {
    id: "WooCommerce",
    errors:
      "The WooCommerce function failed whole deliveries: each is a failed delivery to WooCommerce, which disables the webhook after 5 in a row and never resends. See its log group; then check the webhook is still Active.",
    throttled: "WooCommerce counted failed deliveries (it disables the webhook after 5 in a row).",
  },
  sender: {
    id: "Sender",
    errors:
      "The sender Lambda failed whole invocations (crash, timeout or bad configuration such as a missing token). See its log group; SQS retries the batch.",
    throttled:
      "Events wait in the queue (with reserveSenderConcurrency this should not happen: check the function's reserved concurrency).",
  },
} as const;

/** Alarms on the failures a relay owner must act on, all notifying one SNS topic, and one dashboard. */
export class Monitoring extends Construct {
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: RelayAlarms;
  public readonly dashboard: cloudwatch.Dashboard;
  /** The alarms of the tenants listed in the tenantAlarms context, by tenant (lib/tenant-monitoring.ts). */
  public readonly tenantAlarms: Record<string, cloudwatch.Alarm[]>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, queue, deadLetterQueue, functions, edge } = props;

    this.alarmTopic = new sns.Topic(this, "AlarmTopic", { displayName: "tiktok-events-relay alarms", enforceSSL: true });
    if (config.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
      Validations.of(this.alarmTopic).acknowledge({
        id: "Serverless-SNSRedrivePolicy",
        reason:
          "An e-mail that cannot be delivered needs no queue: the alarm stays in ALARM and shows on the dashboard until its cause is fixed.",
      });
    } else {
      // Alarms nobody receives are as silent as no alarms: say so at every synth (cdk synth and deploy print it).
      Annotations.of(this.alarmTopic).addWarningV2(
        "tiktok-relay:alarm-topic-without-subscriber",
        'Nobody is subscribed to the alarm topic: every alarm of this relay would fire unseen. Set alarmEmail (under "context" in cdk.json, or -c alarmEmail=ops@example.com), or subscribe to the AlarmTopicArn output yourself (Slack, PagerDuty).',
      );
    }

    // Unless said otherwise, missing data is NOT_BREACHING: these metrics are absent when nothing happens
    // (no traffic, no invocation, no rejection), and quiet is healthy.
    const quiet = cloudwatch.TreatMissingData.NOT_BREACHING;
    const atLeastOne = { threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD };
    const sum5 = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };

    const functionAlarms = (name: keyof typeof FUNCTIONS) => {
      const fn = functions[name];
      const { id: prefix, errors, throttled } = FUNCTIONS[name];
      return {
        errors: this.alarm(`${prefix}Errors`, {
          metric: fn.metricErrors(sum5),
          ...atLeastOne,
          treatMissingData: quiet,
          alarmDescription: errors,
        }),
        throttles: this.alarm(`${prefix}Throttles`, {
          metric: fn.metricThrottles(sum5),
          ...atLeastOne,
          treatMissingData: quiet,
          alarmDescription: `Lambda refused to run the ${prefix} function: the account's concurrency is used up. ${throttled} Raise the account's concurrency quota, or find the function using it up.`,
        }),
      };
    };
    const ingest = functionAlarms("ingest");
    const authorizer = functionAlarms("authorizer");
    const woocommerce = functionAlarms("woocommerce");
    const sender = functionAlarms("sender");

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
      // Also a DLQ arrival, but DlqNotEmpty stays in ALARM until the DLQ is drained: this one reports each new burst.
      tiktokRejections: this.alarm("TikTokRejections", {
        metric: senderMetric(this, "EventsRejected", FIVE_MINUTES),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "TikTok refused events (bad rows, e.g. code 40002); they are in the DLQ with TikTok's code. `npm run dlq -- peek` shows the message; fix the sending side, then redrive.",
      }),
      tiktokFailing: this.tiktokFailing(),
      senderErrors: sender.errors,
      senderThrottles: sender.throttles,
      ingestErrors: ingest.errors,
      ingestThrottles: ingest.throttles,
      authorizerErrors: authorizer.errors,
      authorizerThrottles: authorizer.throttles,
      woocommerceErrors: woocommerce.errors,
      woocommerceThrottles: woocommerce.throttles,
      events4xxRate: this.routeErrorRate(edge, "events", "4xx", config.api4xxAlarmPercent),
      events5xxRate: this.routeErrorRate(edge, "events", "5xx", config.api5xxAlarmPercent),
      woocommerce4xxRate: this.routeErrorRate(edge, "woocommerce", "4xx", config.api4xxAlarmPercent),
      woocommerce5xxRate: this.routeErrorRate(edge, "woocommerce", "5xx", config.api5xxAlarmPercent),
      // At the first one: WooCommerce disables a webhook after 5 failed deliveries in a row and never resends.
      // Unsigned requests are left out: WooCommerce signs every delivery, so those are not the shop's.
      woocommerceSignatureFailures: this.alarm("WooCommerceSignatureFailures", {
        metric: new cloudwatch.MathExpression({
          expression: "FILL(wrong, 0) + FILL(noSecret, 0)",
          usingMetrics: {
            wrong: webhookMetric(this, "refused", "signature_wrong", FIVE_MINUTES),
            noSecret: webhookMetric(this, "refused", "no_secret", FIVE_MINUTES),
          },
          period: FIVE_MINUTES,
          label: "deliveries refused for their signature",
        }),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "POST /woocommerce refused a signed delivery (401): the webhook's Secret in WooCommerce differs from the relay's, or the relay has none. WooCommerce disables the webhook after 5 failures in a row: put the relay's secret (WooCommerceWebhookSecretArn) into the webhook, check it is still Active, and re-save orders that were lost.",
      }),
      woocommerceOrdersWithoutPixel: this.alarm("WooCommerceOrdersWithoutPixel", {
        metric: webhookMetric(this, "skipped", "no_pixel", FIVE_MINUTES),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "Paid WooCommerce orders were skipped (answered 200, nothing queued) because the relay has no pixel code. Deploy with pixelCode in cdk.json's context; orders already skipped are resent when they are updated again.",
      }),
      woocommerceOrdersUnsendable: this.alarm("WooCommerceOrdersUnsendable", {
        metric: webhookMetric(this, "skipped", "cannot_send", FIVE_MINUTES),
        ...atLeastOne,
        treatMissingData: quiet,
        alarmDescription:
          "Paid WooCommerce orders were skipped (answered 200, nothing queued) because they cannot become a valid TikTok event (e.g. an unknown currency). The WooCommerce function's log says which field, per delivery id; fix the shop's data or the relay's mapping.",
      }),
      // Either function that uses the delivery ledger (the sender, the WooCommerce webhook) counts its failures.
      ledgerErrors: this.alarm("LedgerErrors", {
        metric: new cloudwatch.MathExpression({
          expression: "FILL(sender, 0) + FILL(woocommerce, 0)",
          usingMetrics: {
            sender: serviceMetric(this, SERVICES.sender, "LedgerErrors", FIVE_MINUTES),
            woocommerce: serviceMetric(this, SERVICES.woocommerce, "LedgerErrors", FIVE_MINUTES),
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
              metric: strongPurchaseShare(this, Duration.hours(1)),
              threshold: config.strongKeyAlarmPercent,
              comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              // No purchases in the hour is not a match problem (NoEventsReceived covers silence).
              treatMissingData: quiet,
              alarmDescription: `Over the last hour fewer than ${config.strongKeyAlarmPercent}% of purchase events carried an e-mail, phone or ttclid: TikTok will attribute few of them. A checkout change probably stopped passing the shopper's details (README, Match quality).`,
            }),
          }
        : {}),
    };

    this.tenantAlarms = Object.fromEntries(
      config.tenantAlarms.map((tenant) => [
        tenant,
        Object.entries(tenantAlarmProps(this, tenant)).map(([id, { treatMissingData, ...alarm }]) =>
          this.alarm(id, { ...alarm, treatMissingData: treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING }),
        ),
      ]),
    );
    const alarmStatus = new cloudwatch.AlarmStatusWidget({
      title: "Alarms",
      alarms: [...Object.values(this.alarms), ...Object.values(this.tenantAlarms).flat()],
      width: 24,
      height: 8,
    });
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.hours(6),
      widgets: [
        ...flowRows(this, { edge, functions, queue, deadLetterQueue }),
        matchQualityRow(this),
        tenantRow(this, config.tenantAlarms[0] ?? "-"),
        [alarmStatus],
      ],
      variables: [tenantVariable(this)],
    });
  }

  /**
   * TikTok failing for minutes, long before the DLQ: the backoff spaces one event's retries (30 s, 1, 2, 4
   * minutes...) and a message received 3 times drops out of the queue's age metric, so neither DlqNotEmpty
   * (about 75 minutes in) nor OldestMessageTooOld sees an outage early. A minute counts as failing when the
   * sender retried more events than it delivered; 3 such minutes out of 5 are an outage, not a blip. (One
   * pixel failing among several healthy ones stays below this: its events reach the DLQ and alarm there.)
   */
  private tiktokFailing(): cloudwatch.Alarm {
    return this.alarm("TikTokFailing", {
      metric: new cloudwatch.MathExpression({
        expression: "IF(FILL(retried, 0) > FILL(delivered, 0), 1, 0)",
        usingMetrics: {
          retried: senderMetric(this, "EventsRetried", ONE_MINUTE),
          delivered: senderMetric(this, "EventsDelivered", ONE_MINUTE),
        },
        period: ONE_MINUTE,
        label: "minutes where retries outnumber deliveries",
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        "For 3 of the last 5 minutes the sender retried more events than it delivered: TikTok is down, throttling, or refusing the token. Events wait in the queue and retry with backoff; after maxReceiveCount attempts (about 75 minutes) they go to the DLQ. Check the sender's log (TikTok code, message, request id) and TikTok's status.",
    });
  }

  /** The share of one route's requests answered 4xx or 5xx (API Gateway records 0 or 1 per request: Average). */
  private routeErrorRate(edge: EdgeMetrics, route: RouteName, kind: "4xx" | "5xx", percent: number): cloudwatch.Alarm {
    const metrics = edge.route(route);
    const metric = (kind === "4xx" ? metrics.clientErrors : metrics.serverErrors)({
      period: FIVE_MINUTES,
      statistic: cloudwatch.Stats.AVERAGE,
    });
    const what =
      route === "events"
        ? kind === "4xx"
          ? "callers' events were refused (400 invalid, 401 a revoked or wrong key, 413 too large, 429 throttled): nothing of those requests was queued. Check the callers' logs and the ingest function's log (reasons in EventsRefused)"
          : "callers must post those events again (503: the queue refused them, or the keys could not be read). Check the ingest and authorizer functions' logs"
        : kind === "4xx"
          ? "WooCommerce counts each as a failed delivery and disables the webhook after 5 in a row (401 signature, 413 too large, 429 throttled). Check WooCommerce → Status → Logs and that the webhook is still Active"
          : "WooCommerce does not resend a failed delivery (the order's next update carries the same event_id). Check the WooCommerce function's log";
    const id = `${route === "events" ? "Events" : "WooCommerce"}Api${kind === "4xx" ? "4xx" : "5xx"}Rate`;
    return this.alarm(id, {
      metric,
      threshold: percent / 100,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `More than ${percent}% of POST /${route} requests answered ${kind} over 5 minutes: ${what}.`,
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
