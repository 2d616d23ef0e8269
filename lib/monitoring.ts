import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { RelayConfig } from "./config";

export interface MonitoringProps {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly senderFunction: IFunction;
  readonly config: Pick<RelayConfig, "alarmEmail" | "oldestMessageAgeAlarmSeconds">;
}

/** Names of the alarms; add one here and in the constructor to extend. */
export type RelayAlarmName = "dlqNotEmpty" | "oldestMessageTooOld" | "senderErrors";

/** Alarms on the failures a relay owner must act on, all notifying one SNS topic. */
export class Monitoring extends Construct {
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: Readonly<Record<RelayAlarmName, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;

    this.alarmTopic = new sns.Topic(this, "AlarmTopic", { displayName: "tiktok-events-relay alarms", enforceSSL: true });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    this.alarms = {
      dlqNotEmpty: this.alarm("DlqNotEmpty", {
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription:
          "Events reached the dead-letter queue: TikTok rejected them or delivery kept failing. The sender logs say why; fix the cause, then redrive the DLQ.",
      }),
      oldestMessageTooOld: this.alarm("OldestMessageTooOld", {
        metric: props.queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: config.oldestMessageAgeAlarmSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `An event has waited more than ${config.oldestMessageAgeAlarmSeconds} s in the events queue: the sender is failing, throttled or too slow. Check the sender logs and TikTok's status.`,
      }),
      senderErrors: this.alarm("SenderErrors", {
        metric: props.senderFunction.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription:
          "The sender Lambda failed whole invocations (crash, timeout or bad configuration such as a missing token). See its log group.",
      }),
    };
  }

  private alarm(id: string, props: Omit<cloudwatch.AlarmProps, "evaluationPeriods" | "treatMissingData" | "alarmName">): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      alarmName: `${Stack.of(this).stackName}-${id}`,
      evaluationPeriods: 1,
      // No data means no traffic, which is not a failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    // Tell the owner when it is over, too.
    alarm.addOkAction(action);
    return alarm;
  }
}
