import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as logs from "aws-cdk-lib/aws-logs";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { RelayConfig } from "./config";
import { RelayFunction } from "./relay-function";

const INGEST_ENTRY = fileURLToPath(new URL("../lambdas/ingest/index.ts", import.meta.url));

export interface IngestApiProps {
  /** Queue the ingest Lambda sends normalised, hashed events to. */
  readonly queue: IQueue;
  /** Secret holding the bearer key(s) callers present on POST /events. */
  readonly apiKeySecret: ISecret;
  readonly config: Pick<
    RelayConfig,
    | "pixelCode"
    | "testEventCode"
    | "defaultPhoneCountry"
    | "maxEventAgeDays"
    | "allowCustomEvents"
    | "ingestMemoryMb"
    | "logRetentionDays"
    | "apiThrottleRate"
    | "apiThrottleBurst"
  >;
}

/** The public edge: a regional REST API whose POST /events runs the ingest Lambda. */
export class IngestApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly ingestFunction: RelayFunction;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const { config } = props;

    this.ingestFunction = new RelayFunction(this, "IngestFunction", {
      entry: INGEST_ENTRY,
      description: "Validates, normalises and hashes events, then queues them for the sender",
      // Well under API Gateway's 29 s integration limit: a caller should get an answer, not a 504.
      timeout: Duration.seconds(10),
      memorySize: config.ingestMemoryMb,
      logRetentionDays: config.logRetentionDays,
      environment: {
        EVENTS_QUEUE_URL: props.queue.queueUrl,
        INGEST_API_KEY_SECRET_ARN: props.apiKeySecret.secretArn,
        TIKTOK_PIXEL_CODE: config.pixelCode,
        ...(config.testEventCode ? { TIKTOK_TEST_EVENT_CODE: config.testEventCode } : {}),
        DEFAULT_PHONE_COUNTRY: config.defaultPhoneCountry,
        MAX_EVENT_AGE_DAYS: String(config.maxEventAgeDays),
        ALLOW_CUSTOM_EVENTS: String(config.allowCustomEvents),
        POWERTOOLS_SERVICE_NAME: "tiktok-relay-ingest",
      },
    });
    // Send only: raw events never leave the ingest Lambda, and it has no business reading the queue.
    props.queue.grantSendMessages(this.ingestFunction);
    props.apiKeySecret.grantRead(this.ingestFunction);

    const accessLogGroup = new logs.LogGroup(this, "AccessLogs", {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigateway.RestApi(this, "Api", {
      description: "tiktok-events-relay: POST /events with a bearer key",
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Access logging needs the account-level API Gateway → CloudWatch Logs role; a fresh account has none.
      cloudWatchRole: true,
      deployOptions: {
        stageName: "v1",
        throttlingRateLimit: config.apiThrottleRate,
        throttlingBurstLimit: config.apiThrottleBurst,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogGroup),
        // One JSON line per request; no source IP (a personal identifier), no IAM fields (unused here).
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          ip: false,
          caller: false,
          user: false,
          requestTime: true,
          httpMethod: true,
          resourcePath: true,
          status: true,
          protocol: true,
          responseLength: true,
        }),
      },
    });

    // No CORS: callers are shop servers, and a browser must never hold the bearer key.
    this.api.root.addResource("events").addMethod("POST", new apigateway.LambdaIntegration(this.ingestFunction));
  }

  /** Full URL of POST /events. */
  public get eventsUrl(): string {
    return this.api.urlForPath("/events");
  }
}
