import { fileURLToPath } from "node:url";
import { Duration, Validations } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { ENV, INTEGER_SETTINGS, SERVICES } from "../lambdas/contract";
import type { RelayConfig } from "./config";
import { type EventSettings, eventSettingsEnvironment } from "./event-settings";
import { grantSendOnly } from "./queue-grants";
import { RelayFunction } from "./relay-function";

const INGEST_ENTRY = fileURLToPath(new URL("../lambdas/ingest/index.ts", import.meta.url));
const AUTHORIZER_ENTRY = fileURLToPath(new URL("../lambdas/authorizer/index.ts", import.meta.url));

/**
 * Well under API Gateway's 29 s integration limit: a caller should get an answer, not a 504. The handler stops
 * waiting for SQS a second before it (lambdas/aws/api-gateway.ts) and answers 503 with what was not queued.
 */
export const INGEST_TIMEOUT = Duration.seconds(10);

export interface IngestFunctionProps {
  /** Queue the function sends normalised, hashed events to. */
  readonly queue: IQueue;
  readonly config: EventSettings &
    Pick<RelayConfig, "ingestMemoryMb" | "logRetentionDays" | "maxBodyBytes" | "corsAllowOrigins" | "tracing">;
}

/** POST /events: validates, normalises and hashes events, then queues them for the sender. Any edge may route to it. */
export class IngestFunction extends RelayFunction {
  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    const { config } = props;
    super(scope, id, {
      entry: INGEST_ENTRY,
      description: "Validates, normalises and hashes events, then queues them for the sender",
      timeout: INGEST_TIMEOUT,
      memorySize: config.ingestMemoryMb,
      logRetentionDays: config.logRetentionDays,
      traced: config.tracing,
      // Invoked once per request: Lambda's START/END/REPORT lines would outweigh the function's own log line.
      systemLogLevel: lambda.SystemLogLevel.WARN,
      environment: {
        [ENV.eventsQueueUrl]: props.queue.queueUrl,
        [INTEGER_SETTINGS.maxBodyBytes.env]: String(config.maxBodyBytes),
        ...(config.corsAllowOrigins.length > 0 ? { [ENV.corsAllowOrigins]: config.corsAllowOrigins.join(",") } : {}),
        ...eventSettingsEnvironment(config),
        [ENV.serviceName]: SERVICES.ingest,
      },
    });
    // Send only: raw events never leave the ingest Lambda, and it has no business reading the queue.
    grantSendOnly(props.queue, this);
    acknowledgeSynchronous(this);
  }
}

export interface AuthorizerFunctionProps {
  /** Secret holding the bearer key(s) callers present on POST /events. */
  readonly apiKeySecret: ISecret;
  readonly config: Pick<RelayConfig, "logRetentionDays" | "tracing">;
}

/** Checks the bearer key of POST /events against the ingest key secret; the only reader of that secret. */
export class AuthorizerFunction extends RelayFunction {
  constructor(scope: Construct, id: string, props: AuthorizerFunctionProps) {
    super(scope, id, {
      entry: AUTHORIZER_ENTRY,
      description: "Checks the bearer key of POST /events against the ingest key secret",
      timeout: Duration.seconds(5),
      memorySize: 256,
      logRetentionDays: props.config.logRetentionDays,
      traced: props.config.tracing,
      environment: {
        [ENV.ingestKeySecretArn]: props.apiKeySecret.secretArn,
        [ENV.serviceName]: SERVICES.authorizer,
      },
    });
    // Only the authorizer reads the keys; the ingest function never sees them.
    props.apiKeySecret.grantRead(this);
    acknowledgeSynchronous(this);
  }
}

/** Functions an API invokes synchronously have no use for a function DLQ. */
export function acknowledgeSynchronous(fn: RelayFunction): void {
  Validations.of(fn).acknowledge({
    id: "Serverless-LambdaDLQ",
    reason:
      "Invoked synchronously by API Gateway: the caller gets the error and retries; a function DLQ only applies to asynchronous invocations.",
  });
}
