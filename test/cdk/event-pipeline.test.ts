import { Match, type Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { synthRelay } from "../support/synth";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const synth = synthRelay;

/** Every statement of the inline policies attached to a function's role. */
function roleStatements(template: Template, roleId: string): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const actions = (statement: Statement) => [statement.Action].flat();

const { stack, template, id } = synth();
const queueId = id(stack.pipeline.queue);
const dlqId = id(stack.pipeline.deadLetterQueue);

describe("events queue and DLQ", () => {
  it("encrypts the events queue, hides a batch for 6 × the sender timeout and redrives after 10 receives", () => {
    expect(template.toJSON().Resources[queueId].Properties).toEqual({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      MessageRetentionPeriod: 4 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] }, maxReceiveCount: 10 },
    });
  });

  it("keeps dead letters 14 days, encrypted", () => {
    expect(template.toJSON().Resources[dlqId].Properties).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
  });

  it.each([
    ["events queue", queueId],
    ["DLQ", dlqId],
  ])("%s refuses requests without TLS", (_name, logicalId) => {
    template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: logicalId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sqs:*",
            Principal: { AWS: "*" },
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });
});

describe("sender event source", () => {
  it("reads batches of up to 1000 after 5 s, at most 2 at once, with partial batch failures", () => {
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionName: { Ref: id(stack.pipeline.senderFunction) },
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });
});

describe("sender permissions", () => {
  const statements = roleStatements(template, id(stack.pipeline.senderFunction.role!));

  it("consumes the events queue and may only send to the DLQ", () => {
    const onQueue = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ "Fn::GetAtt": [queueId, "Arn"] }));
    expect(onQueue.flatMap(actions)).toEqual(
      expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]),
    );
    const onDlq = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ "Fn::GetAtt": [dlqId, "Arn"] }));
    expect(onDlq.flatMap(actions).sort()).toEqual(["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]);
  });

  it("reads the TikTok token secret, and not the ingest key secret", () => {
    const secretStatements = statements.filter((s) => actions(s).some((a) => a.startsWith("secretsmanager:")));
    expect(secretStatements.map((s) => s.Resource)).toEqual([{ Ref: id(stack.tiktokTokenSecret) }]);
    expect(actions(secretStatements[0]!)).toContain("secretsmanager:GetSecretValue");
    expect(JSON.stringify(statements)).not.toContain(id(stack.ingestApiKeySecret));
  });

  it("has no wildcard resources", () => {
    expect(statements.map((s) => s.Resource)).not.toContain("*");
  });
});

describe("pipeline settings from context", () => {
  const custom = synth({
    senderTimeoutSeconds: "120",
    senderMemoryMb: "1024",
    senderBatchSize: "10",
    senderBatchingWindowSeconds: "0",
    senderMaxConcurrency: "5",
    maxReceiveCount: "3",
    retryBaseSeconds: "5",
    retryMaxSeconds: "60",
    tiktokApiUrl: "https://tiktok.example.test/track/",
  });

  it("follows the sender timeout in the visibility timeout", () => {
    expect(custom.template.toJSON().Resources[custom.id(custom.stack.pipeline.queue)].Properties).toMatchObject({
      VisibilityTimeout: 720,
      RedrivePolicy: { maxReceiveCount: 3 },
    });
    custom.template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 120,
      MemorySize: 1024,
      Environment: { Variables: { TIKTOK_API_URL: "https://tiktok.example.test/track/", TIKTOK_REQUEST_TIMEOUT_MS: "10000" } },
    });
  });

  it("gives the sender the same maxReceiveCount as the redrive policy, and the retry backoff", () => {
    custom.template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: { MAX_RECEIVE_COUNT: "3", RETRY_BASE_SECONDS: "5", RETRY_MAX_SECONDS: "60" } },
    });
  });

  it("follows the batching settings in the event source", () => {
    custom.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });
});

describe("customer-managed queue encryption", () => {
  const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
  const custom = synth({ queueKmsKeyArn: keyArn });

  it("encrypts both queues with the given KMS key instead of SSE-SQS", () => {
    const queues = Object.values(custom.template.findResources("AWS::SQS::Queue")).map((q) => q.Properties);
    expect(queues).toHaveLength(2);
    for (const queue of queues) {
      expect(queue.KmsMasterKeyId).toBe(keyArn);
      expect(queue.SqsManagedSseEnabled).toBeUndefined();
    }
  });

  it("lets the ingest function encrypt and the sender decrypt with that key only", () => {
    const kmsStatements = Object.values(custom.template.findResources("AWS::IAM::Policy"))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith("kms:")));
    expect(kmsStatements.length).toBeGreaterThanOrEqual(2);
    for (const statement of kmsStatements) expect(statement.Resource).toBe(keyArn);
    expect(kmsStatements.flatMap((s) => [s.Action].flat())).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
  });

  it("refuses something that is not a KMS key ARN", () => {
    expect(() => synth({ queueKmsKeyArn: "alias/my-key" })).toThrow(/queueKmsKeyArn/);
  });
});
