import { App, Validations } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { readRelayConfig } from "../../lib/read-config";
import { RelayStack } from "../../lib/relay-stack";

// cdk-nag runs on every synth (bin/app.ts): the stack must have no unacknowledged AWS Solutions or Serverless
// finding, in its default shape and with every option on, and each acknowledgement must say why.

const EVERY_OPTION = {
  tracing: "true",
  waf: "true",
  alarmEmail: "ops@example.com",
  corsAllowOrigins: "https://shop.example",
  queueKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
  noEventsAlarmHours: "6",
  testEventCode: "TEST123",
  tenantAlarms: "shop-a,shop-b",
};
const EXISTING_TOKEN = {
  tiktokTokenSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tiktok-token-AbCdEf",
  tiktokTokenSecretKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
};

function checkedApp(context: Record<string, unknown>) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [], pixelCode: "C4ABCDEFGH12345", ...context } });
  const packs = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  Validations.of(app).addPlugins(...packs);
  const stack = new RelayStack(app, "Relay", { config: readRelayConfig(app.node) });
  const findings = () =>
    packs.flatMap((pack) =>
      pack.validateScope(stack).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}`),
    );
  return { app, stack, findings };
}

describe("cdk-nag", () => {
  it.each([
    ["the default stack", {}],
    ["every option on", EVERY_OPTION],
    ["an existing token secret", EXISTING_TOKEN],
    ["the HTTP API (-c api=http)", { api: "http" }],
    ["the HTTP API with every option it takes", { ...EVERY_OPTION, waf: undefined, api: "http" }],
    [
      "no pixel (allowNoPixel) and no reserved concurrency",
      { pixelCode: undefined, allowNoPixel: "true", reserveSenderConcurrency: "false" },
    ],
  ])("finds nothing unacknowledged in %s, and synth succeeds", (_name, context) => {
    const { app, findings } = checkedApp(context);
    expect(findings()).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it("stops synth on a finding nobody acknowledged", () => {
    const { app, stack, findings } = checkedApp({});
    new sqs.Queue(stack, "QueueWithoutDlqOrTls");
    expect(findings().join("\n")).toMatch(/AwsSolutions-SQS3|Serverless-SQSRedrivePolicy/);
    expect(() => app.synth()).toThrow();
  });

  it("gives every acknowledgement a real reason", () => {
    const { stack } = checkedApp(EVERY_OPTION);
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    const visit = (construct: IConstruct) => {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          acknowledged.push({ path: construct.node.path, id, reason });
      }
      construct.node.children.forEach(visit);
    };
    visit(stack);
    expect(acknowledged.length).toBeGreaterThanOrEqual(10);
    for (const { id, reason } of acknowledged) {
      expect(id).toMatch(/(AwsSolutions|Serverless)-/);
      expect(reason.length, `${id} needs a reason`).toBeGreaterThan(40);
    }
  });
});
