import { fileURLToPath } from "node:url";
import { Aws, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV, INTEGER_SETTINGS, requestTimeoutMsFor, SERVICES } from "../lambdas/contract";
import type { RelayConfig } from "./config";
import type { DeliveryLedgerTable } from "./delivery-ledger";
import { grantSendOnly } from "./queue-grants";
import { RelayFunction } from "./relay-function";

const SENDER_ENTRY = fileURLToPath(new URL("../lambdas/sender/index.ts", import.meta.url));

export interface EventPipelineProps {
  /** Secret holding the TikTok Events API access token; the sender reads it. */
  readonly tokenSecret: ISecret;
  /** What TikTok accepted: the sender skips what it holds and records each delivery. */
  readonly ledger: DeliveryLedgerTable;
  readonly config: Pick<
    RelayConfig,
    | "tiktokApiUrl"
    | "pixelCode"
    | "maxEventAgeDays"
    | "offlineMaxEventAgeDays"
    | "crmMaxEventAgeDays"
    | "senderBatchSize"
    | "senderBatchingWindowSeconds"
    | "senderMaxConcurrency"
    | "reserveSenderConcurrency"
    | "senderTimeoutSeconds"
    | "senderMemoryMb"
    | "maxReceiveCount"
    | "retryBaseSeconds"
    | "retryMaxSeconds"
    | "tracing"
    | "queueKmsKeyArn"
    | "tiktokTokenSecretKmsKeyArn"
    | "logRetentionDays"
    | "ledgerScope"
    | "ledgerDays"
    | "senderMaxRequests"
    | "senderParallelRequests"
  >;
}

/** The events queue, its dead-letter queue and the sender Lambda that drains the queue into TikTok. */
export class EventPipeline extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly senderFunction: RelayFunction;

  constructor(scope: Construct, id: string, props: EventPipelineProps) {
    super(scope, id);
    const { config } = props;
    // SSE-SQS by default (no key to manage, no KMS charges); a customer-managed key when the owner wants
    // control of it. The grants then add what each function needs of it: kms:Decrypt to receive,
    // kms:GenerateDataKey and kms:Decrypt to send (lib/queue-grants.ts).
    const encryptionKey = config.queueKmsKeyArn ? kms.Key.fromKeyArn(this, "QueueKey", config.queueKmsKeyArn) : undefined;
    const encryption = encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };

    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      ...encryption,
      enforceSSL: true,
      // The longest SQS allows: time to read the sender's reason, fix and redrive.
      retentionPeriod: Duration.days(14),
      // Both queues hold accepted events: `cdk destroy` or a new logical id must not delete them (README, Tear down).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.queue = new sqs.Queue(this, "EventsQueue", {
      ...encryption,
      enforceSSL: true,
      // AWS guidance for Lambda event sources: six times the function timeout, so a batch that is
      // retried after throttling is not redelivered while still in flight.
      visibilityTimeout: Duration.seconds(6 * config.senderTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: config.maxReceiveCount },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.senderFunction = new RelayFunction(this, "SenderFunction", {
      entry: SENDER_ENTRY,
      description: "Sends queued events to the TikTok Events API",
      timeout: Duration.seconds(config.senderTimeoutSeconds),
      memorySize: config.senderMemoryMb,
      // Ingest under load, or any other function in the account, can then never use up the concurrency the
      // sender needs; the event source never runs more than this many at once, so it is never throttled by it.
      ...(config.reserveSenderConcurrency ? { reservedConcurrentExecutions: config.senderMaxConcurrency } : {}),
      logRetentionDays: config.logRetentionDays,
      traced: config.tracing,
      environment: {
        [ENV.tokenSecretArn]: props.tokenSecret.secretArn,
        [ENV.tiktokApiUrl]: config.tiktokApiUrl,
        // Leaves time in one invocation for a retry of a slow request and for reporting failures.
        [INTEGER_SETTINGS.requestTimeoutMs.env]: String(requestTimeoutMsFor(config.senderTimeoutSeconds)),
        // The sender dead-letters events that grew older than their source's limit while they waited.
        [INTEGER_SETTINGS.maxEventAgeDays.env]: String(config.maxEventAgeDays),
        [INTEGER_SETTINGS.offlineMaxEventAgeDays.env]: String(config.offlineMaxEventAgeDays),
        [INTEGER_SETTINGS.crmMaxEventAgeDays.env]: String(config.crmMaxEventAgeDays),
        // The sender dead-letters a failure itself on the last receive, with its reason: same number as the redrive policy.
        [INTEGER_SETTINGS.maxReceiveCount.env]: String(config.maxReceiveCount),
        [INTEGER_SETTINGS.retryBaseSeconds.env]: String(config.retryBaseSeconds),
        [INTEGER_SETTINGS.retryMaxSeconds.env]: String(config.retryMaxSeconds),
        [ENV.eventsQueueUrl]: this.queue.queueUrl,
        [ENV.deadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
        [ENV.ledgerTable]: props.ledger.table.tableName,
        [ENV.ledgerScope]: config.ledgerScope,
        [INTEGER_SETTINGS.ledgerDays.env]: String(config.ledgerDays),
        [INTEGER_SETTINGS.senderMaxRequests.env]: String(config.senderMaxRequests),
        [INTEGER_SETTINGS.senderParallelRequests.env]: String(config.senderParallelRequests),
        // Match quality names the operator's pixel as its destination; any other pixel counts as "web:other".
        ...(config.pixelCode ? { [ENV.pixelCode]: config.pixelCode } : {}),
        [ENV.serviceName]: SERVICES.sender,
      },
    });

    this.senderFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: config.senderBatchSize,
        maxBatchingWindow: Duration.seconds(config.senderBatchingWindowSeconds),
        maxConcurrency: config.senderMaxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    props.tokenSecret.grantRead(this.senderFunction);
    props.ledger.grantLookup(this.senderFunction);
    props.ledger.grantRecord(this.senderFunction);
    if (config.tiktokTokenSecretKmsKeyArn) {
      // An existing token secret under a customer-managed key: Secrets Manager decrypts it with the caller's
      // permission on that key. Written out rather than through an imported key's grant, which CDK drops when
      // the key's account cannot be compared with an environment-agnostic stack's.
      this.senderFunction.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ["kms:Decrypt"],
          resources: [config.tiktokTokenSecretKmsKeyArn],
          conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    // Events TikTok rejects are moved straight to the DLQ with a reason instead of being retried.
    grantSendOnly(this.deadLetterQueue, this.senderFunction);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "Serverless-SQSRedrivePolicy",
      reason: "This is the dead-letter queue: the end of the line, where events wait 14 days to be read and redriven.",
    });
    Validations.of(this.senderFunction).acknowledge({
      id: "Serverless-LambdaEventSourceMappingDestination",
      reason:
        "SQS event sources cannot have an on-failure destination: the events queue's redrive policy (and the sender's own moves) send failures to the DLQ.",
    });
    Validations.of(this.senderFunction).acknowledge({
      id: "Serverless-LambdaDLQ",
      reason: "Invoked by an SQS event source mapping, not asynchronously: failed messages stay in the queue and reach its DLQ.",
    });
  }
}
