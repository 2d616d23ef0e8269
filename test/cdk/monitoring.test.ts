import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { readRelayConfig } from "../../lib/config";
import { RelayStack } from "../../lib/relay-stack";

function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [], ...context } });
  const stack = new RelayStack(app, "Relay", { config: readRelayConfig(app.node) });
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  return { stack, template: Template.fromStack(stack), id };
}

const { stack, template, id } = synth();
const topic = { Ref: id(stack.monitoring.alarmTopic) };

describe("alarms", () => {
  it("exposes each alarm by name", () => {
    expect(Object.keys(stack.monitoring.alarms).sort()).toEqual(["dlqNotEmpty", "oldestMessageTooOld", "senderErrors"]);
    template.resourceCountIs("AWS::CloudWatch::Alarm", 3);
  });

  it("fires as soon as one event sits in the DLQ", () => {
    expect(template.toJSON().Resources[id(stack.monitoring.alarms.dlqNotEmpty)].Properties).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [id(stack.pipeline.deadLetterQueue), "QueueName"] } }],
      Statistic: "Maximum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });

  it("fires when the oldest queued event is older than 15 minutes", () => {
    expect(template.toJSON().Resources[id(stack.monitoring.alarms.oldestMessageTooOld)].Properties).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [id(stack.pipeline.queue), "QueueName"] } }],
      Statistic: "Maximum",
      Period: 300,
      Threshold: 900,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [topic],
    });
  });

  it("fires on any failed sender invocation", () => {
    expect(template.toJSON().Resources[id(stack.monitoring.alarms.senderErrors)].Properties).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: id(stack.pipeline.senderFunction) } }],
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [topic],
    });
  });

  it("names alarms after the stack and tells the reader what to do", () => {
    for (const alarm of Object.values(template.findResources("AWS::CloudWatch::Alarm"))) {
      expect(alarm.Properties.AlarmName).toMatch(/^Relay-/);
      expect(alarm.Properties.AlarmDescription.length).toBeGreaterThan(40);
    }
  });
});

describe("alarm topic", () => {
  it("refuses publishing without TLS", () => {
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [topic],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("has no subscription unless alarmEmail is set", () => {
    template.resourceCountIs("AWS::SNS::Subscription", 0);
  });

  it("subscribes alarmEmail and follows oldestMessageAgeAlarmSeconds", () => {
    const custom = synth({ alarmEmail: "ops@example.com", oldestMessageAgeAlarmSeconds: "600" });
    custom.template.resourceCountIs("AWS::SNS::Subscription", 1);
    custom.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: { Ref: custom.id(custom.stack.monitoring.alarmTopic) },
    });
    custom.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 600,
    });
  });
});
