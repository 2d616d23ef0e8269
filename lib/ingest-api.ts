import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as logs from "aws-cdk-lib/aws-logs";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { RelayConfig } from "./config";
import { eventSettingsEnvironment, type EventSettings } from "./event-settings";
import { RelayFunction } from "./relay-function";

const INGEST_ENTRY = fileURLToPath(new URL("../lambdas/ingest/index.ts", import.meta.url));
const STAGE_NAME = "v1";
const AUTHORIZER_ENTRY = fileURLToPath(new URL("../lambdas/authorizer/index.ts", import.meta.url));

// Bodies of the answers API Gateway gives itself, in the same {"error": ...} shape as the ingest function's.
// UNAUTHORIZED and AUTHORIZER_FAILURE match lambdas/authorizer/authorize.ts (a test checks they agree).
export const GATEWAY_MESSAGES = {
  unauthorized: "missing or invalid API key: send the header 'Authorization: Bearer <key>'",
  authorizerFailure: "the relay cannot check API keys right now; retry later",
  badRequestBody: "body must be one JSON event object or {\"data\": [events]}",
  tooLarge: "request body too large: API Gateway accepts at most 10 MB; post fewer events per request",
  throttled: "too many requests: slow down and retry (the relay's API throttling limits were reached)",
} as const;

export interface IngestApiProps {
  /** Queue the ingest Lambda sends normalised, hashed events to. */
  readonly queue: IQueue;
  /** Secret holding the bearer key(s) callers present on POST /events. */
  readonly apiKeySecret: ISecret;
  readonly config: EventSettings &
    Pick<
      RelayConfig,
      | "ingestMemoryMb"
      | "logRetentionDays"
      | "apiThrottleRate"
      | "apiThrottleBurst"
      | "maxBodyBytes"
      | "authorizerCacheSeconds"
      | "corsAllowOrigins"
      | "tracing"
      | "waf"
    >;
}

/** The public edge: a regional REST API whose POST /events runs the ingest Lambda. */
export class IngestApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly ingestFunction: RelayFunction;
  public readonly authorizerFunction: RelayFunction;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const { config } = props;

    this.authorizerFunction = new RelayFunction(this, "AuthorizerFunction", {
      entry: AUTHORIZER_ENTRY,
      description: "Checks the bearer key of POST /events against the ingest key secret",
      timeout: Duration.seconds(5),
      memorySize: 256,
      logRetentionDays: config.logRetentionDays,
      traced: config.tracing,
      environment: {
        INGEST_API_KEY_SECRET_ARN: props.apiKeySecret.secretArn,
        POWERTOOLS_SERVICE_NAME: "tiktok-relay-authorizer",
      },
    });
    // Only the authorizer reads the keys; the ingest function never sees them.
    props.apiKeySecret.grantRead(this.authorizerFunction);

    this.ingestFunction = new RelayFunction(this, "IngestFunction", {
      entry: INGEST_ENTRY,
      description: "Validates, normalises and hashes events, then queues them for the sender",
      // Well under API Gateway's 29 s integration limit: a caller should get an answer, not a 504.
      timeout: Duration.seconds(10),
      memorySize: config.ingestMemoryMb,
      logRetentionDays: config.logRetentionDays,
      traced: config.tracing,
      environment: {
        EVENTS_QUEUE_URL: props.queue.queueUrl,
        MAX_BODY_BYTES: String(config.maxBodyBytes),
        ...(config.corsAllowOrigins.length > 0 ? { CORS_ALLOW_ORIGINS: config.corsAllowOrigins.join(",") } : {}),
        ...eventSettingsEnvironment(config),
        POWERTOOLS_SERVICE_NAME: "tiktok-relay-ingest",
      },
    });
    // Send only: raw events never leave the ingest Lambda, and it has no business reading the queue.
    props.queue.grantSendMessages(this.ingestFunction);
    if (props.queue.encryptionMasterKey) this.ingestFunction.acknowledgeKmsGrants();

    const accessLogGroup = new logs.LogGroup(this, "AccessLogs", {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigateway.RestApi(this, "Api", {
      // API Gateway reports metrics by API name: one name per stack keeps two relays' numbers apart.
      restApiName: Stack.of(this).stackName,
      description: "tiktok-events-relay: POST /events with a bearer key",
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Access logging needs the account-level API Gateway → CloudWatch Logs role; a fresh account has none.
      cloudWatchRole: true,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: config.apiThrottleRate,
        throttlingBurstLimit: config.apiThrottleBurst,
        metricsEnabled: true,
        tracingEnabled: config.tracing,
        // Execution logs for errors only (authorizer and integration failures); never request bodies.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
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

    // API Gateway would create the execution log group itself, with no expiry: create it first, with ours.
    const executionLogs = new logs.LogGroup(this, "ExecutionLogs", {
      // The literal stage name: a reference to the stage would make the stage and its log group depend on each other.
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);

    const authorizer = new apigateway.RequestAuthorizer(this, "KeyAuthorizer", {
      handler: this.authorizerFunction,
      // Cached per key: a valid caller costs one authorizer run per cache period, not one per request.
      identitySources: [apigateway.IdentitySource.header("Authorization")],
      resultsCacheTtl: Duration.seconds(config.authorizerCacheSeconds),
    });

    // What API Gateway can check before any function runs: the body is a JSON object (the ingest function
    // then checks every field and says which one is wrong).
    const eventsBody = this.api.addModel("EventsBody", {
      contentType: "application/json",
      modelName: "EventsBody",
      schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, title: "EventsBody", type: apigateway.JsonSchemaType.OBJECT },
    });
    const validator = this.api.addRequestValidator("BodyValidator", { validateRequestBody: true, validateRequestParameters: true });

    // CORS stays off unless origins are listed: callers are shop servers, and a browser holding the bearer key
    // is a key anyone can read. Never `*`.
    const events = this.api.root.addResource("events", {
      defaultCorsPreflightOptions:
        config.corsAllowOrigins.length > 0
          ? { allowOrigins: [...config.corsAllowOrigins], allowMethods: ["POST"], allowHeaders: ["Authorization", "Content-Type"] }
          : undefined,
    });
    const post = events.addMethod("POST", new apigateway.LambdaIntegration(this.ingestFunction), {
      authorizer,
      requestValidator: validator,
      requestModels: { "application/json": eventsBody },
      requestParameters: { "method.request.header.Authorization": true },
    });

    this.addGatewayResponses();
    this.acknowledge(post, config);
  }

  /** cdk-nag findings that are deliberate here, each with the reason a reviewer needs. */
  private acknowledge(post: apigateway.Method, config: IngestApiProps["config"]): void {
    Validations.of(post).acknowledge({
      id: "AwsSolutions-COG4",
      reason: "Callers are shop servers, not users: a Lambda REQUEST authorizer checks their bearer keys (several at once, for rotation).",
    });
    Validations.of(this.api).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
      reason: "The account-level API Gateway logging role must write to any API's log groups; AWS provides this managed policy for exactly that role.",
    });
    for (const fn of [this.ingestFunction, this.authorizerFunction]) {
      Validations.of(fn).acknowledge({
        id: "Serverless-LambdaDLQ",
        reason: "Invoked synchronously by API Gateway: the caller gets the error and retries; a function DLQ only applies to asynchronous invocations.",
      });
    }
    if (!config.waf) {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: "AwsSolutions-APIG3",
        reason: "WAF is optional (-c waf=true, about $5/month plus per-request fees): the API already requires a key and is throttled.",
      });
    }
    if (!config.tracing) {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: "Serverless-APIGWXrayEnabled",
        reason: "X-Ray tracing is optional (-c tracing=true): it costs per trace and the access logs and metrics cover operations.",
      });
    }
  }

  /** API Gateway's own answers, as JSON a caller's code can read like the function's. */
  private addGatewayResponses(): void {
    const json = (message: string) => ({ "application/json": JSON.stringify({ error: message }) });
    const responses: [string, apigateway.ResponseType, string, string?][] = [
      ["Unauthorized", apigateway.ResponseType.UNAUTHORIZED, GATEWAY_MESSAGES.unauthorized],
      ["MissingAuthToken", apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, "no such route: the relay answers POST /events and POST /woocommerce", "404"],
      // A failing authorizer (keys unreadable) is a temporary condition: 503 tells the caller to retry.
      ["AuthorizerFailure", apigateway.ResponseType.AUTHORIZER_FAILURE, GATEWAY_MESSAGES.authorizerFailure, "503"],
      ["AuthorizerConfiguration", apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, GATEWAY_MESSAGES.authorizerFailure, "503"],
      ["BadRequestBody", apigateway.ResponseType.BAD_REQUEST_BODY, GATEWAY_MESSAGES.badRequestBody],
      ["RequestTooLarge", apigateway.ResponseType.REQUEST_TOO_LARGE, GATEWAY_MESSAGES.tooLarge],
      ["Throttled", apigateway.ResponseType.THROTTLED, GATEWAY_MESSAGES.throttled],
    ];
    for (const [id, type, message, statusCode] of responses) {
      this.api.addGatewayResponse(id, { type, statusCode, templates: json(message) });
    }
  }

  /** Full URL of POST /events. */
  public get eventsUrl(): string {
    return this.api.urlForPath("/events");
  }
}
