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

  /** The KMS actions a function's role has, and on what. */
  const kmsGrants = (fn: { role?: unknown }) => {
    // The tenant table's own key is granted apart (tenants.test.ts).
    const statements = roleStatements(custom.template, custom.id(fn.role as never)).filter(
      (s) => actions(s).some((a) => a.startsWith("kms:")) && !JSON.stringify(s.Resource).includes("Tenants"),
    );
    return { actions: [...new Set(statements.flatMap(actions))].sort(), resources: [...new Set(statements.map((s) => s.Resource))] };
  };

  it("gives producers kms:GenerateDataKey and kms:Decrypt, the two SQS needs to send, and nothing more", () => {
    for (const producer of [custom.stack.ingestFunction, custom.stack.woocommerce.webhookFunction]) {
      expect(kmsGrants(producer)).toEqual({ actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [keyArn] });
    }
  });

  it("gives the sender kms:Decrypt to receive and kms:GenerateDataKey to move events to the DLQ", () => {
    expect(kmsGrants(custom.stack.pipeline.senderFunction)).toEqual({
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [keyArn],
    });
  });

  it("grants no kms:Encrypt, kms:ReEncrypt* or wildcard action to anyone, and nothing to the authorizer", () => {
    const all = Object.values(custom.template.findResources("AWS::IAM::Policy")).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Statement[]).flatMap(actions),
    );
    // kms:Decrypt on the tenant table's key (through DynamoDB only) is the one KMS grant the authorizer has.
    expect(all.filter((a) => a.startsWith("kms:")).sort()).not.toContain("kms:Encrypt");
    expect(all.filter((a) => /^kms:.*\*/.test(a) || a.startsWith("kms:ReEncrypt"))).toEqual([]);
    expect(kmsGrants(custom.stack.authorizerFunction).actions).toEqual([]);
  });

  it("refuses something that is not a KMS key ARN", () => {
    expect(() => synth({ queueKmsKeyArn: "alias/my-key" })).toThrow(/queueKmsKeyArn/);
  });
});

describe("what holds data survives cdk destroy and a change of logical id", () => {
  it.each([
    ["events queue", queueId],
    ["DLQ", dlqId],
  ])("%s is retained (DeletionPolicy and UpdateReplacePolicy)", (_name, logicalId) => {
    expect(template.toJSON().Resources[logicalId]).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  });

  it("retains the ingest key, the TikTok token and the WooCommerce webhook secret", () => {
    const secrets = Object.values(template.findResources("AWS::SecretsManager::Secret"));
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) expect(secret).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  });
});

describe("reserved concurrency", () => {
  it("reserves the sender's maximum concurrency for it, so nothing else in the account can starve it", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TIKTOK_ACCESS_TOKEN_SECRET_ARN: Match.anyValue() }) },
      ReservedConcurrentExecutions: 2,
    });
    const custom = synth({ senderMaxConcurrency: "7" });
    expect(
      custom.template.toJSON().Resources[custom.id(custom.stack.pipeline.senderFunction)].Properties.ReservedConcurrentExecutions,
    ).toBe(7);
    // The event source never runs more than the reservation: Lambda never throttles the sender for it.
    custom.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", { ScalingConfig: { MaximumConcurrency: 7 } });
  });

  it("reserves nothing for the functions that answer callers (an API throttle caps them), nor with reserveSenderConcurrency=false", () => {
    for (const fn of [stack.ingestFunction, stack.authorizerFunction, stack.woocommerce.webhookFunction]) {
      expect(template.toJSON().Resources[id(fn)].Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
    const off = synth({ reserveSenderConcurrency: "false" });
    expect(
      off.template.toJSON().Resources[off.id(off.stack.pipeline.senderFunction)].Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
  });
});
