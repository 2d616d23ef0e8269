import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { GATEWAY_MESSAGES, HEALTH_BODY, ROUTES, TENANT_WOOCOMMERCE_ROUTE } from "../lambdas/contract";
import { accessLogFormat, REST_ACCESS_LOG_FIELDS } from "./access-log";
import type { RelayConfig } from "./config";
import type { EdgeFunctions, EdgeMetrics, RelayEdge, RequestMetrics, RouteName } from "./edge";

/** The API stage: part of every URL, and of the authorizer cache flush command (README, Deploy). */
export const STAGE_NAME = "v1";

export { GATEWAY_MESSAGES };

export interface RestEdgeProps {
  readonly functions: EdgeFunctions;
  readonly config: Pick<
    RelayConfig,
    | "logRetentionDays"
    | "apiThrottleRate"
    | "apiThrottleBurst"
    | "woocommerceThrottleRate"
    | "woocommerceThrottleBurst"
    | "authorizerCacheSeconds"
    | "corsAllowOrigins"
    | "tracing"
    | "waf"
  >;
}

/**
 * The relay's public edge as a regional REST API: POST /events behind a cached Lambda REQUEST authorizer and a
 * body model, POST /woocommerce (signed, checked in its function), JSON gateway responses, access logs.
 * Keep its construct id ("Ingest") and the API's ("Api"): they name the API in CloudFormation, and a new
 * name would mean a new API with a new URL for every shop.
 */
export class RestEdge extends Construct implements RelayEdge {
  public readonly api: apigateway.RestApi;
  public readonly metrics: EdgeMetrics;

  constructor(scope: Construct, id: string, props: RestEdgeProps) {
    super(scope, id);
    const { config, functions } = props;

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
        // Per method, not only per stage: the alarms watch each route's 4xx and 5xx on its own.
        metricsEnabled: true,
        // Anyone can reach /woocommerce (it is authenticated inside the function), and a shop sends a few order
        // updates a second at most: a tighter limit keeps a flood from costing invocations and secret reads.
        // A method's settings replace the stage's, so metrics and logging are repeated.
        methodOptions: {
          [`${ROUTES.woocommerce}/POST`]: {
            throttlingRateLimit: config.woocommerceThrottleRate,
            throttlingBurstLimit: config.woocommerceThrottleBurst,
            metricsEnabled: true,
            loggingLevel: apigateway.MethodLoggingLevel.ERROR,
            dataTraceEnabled: false,
          },
          // Each tenant's webhook (/woocommerce/<tenant>) under the same limits.
          [`${TENANT_WOOCOMMERCE_ROUTE}/POST`]: {
            throttlingRateLimit: config.woocommerceThrottleRate,
            throttlingBurstLimit: config.woocommerceThrottleBurst,
            metricsEnabled: true,
            loggingLevel: apigateway.MethodLoggingLevel.ERROR,
            dataTraceEnabled: false,
          },
        },
        tracingEnabled: config.tracing,
        // Execution logs for errors only (authorizer and integration failures); never request bodies.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogGroup),
        // One short JSON line per request (lib/access-log.ts): no source IP, no IAM fields (unused here).
        accessLogFormat: apigateway.AccessLogFormat.custom(accessLogFormat(REST_ACCESS_LOG_FIELDS)),
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
      handler: functions.authorizer,
      // Cached per key: a valid caller costs one authorizer run per cache period, not one per request.
      identitySources: [apigateway.IdentitySource.header("Authorization")],
      resultsCacheTtl: Duration.seconds(config.authorizerCacheSeconds),
    });

    // What API Gateway can check before any function runs: the body is a JSON object (the ingest function
    // then checks every field and says which one is wrong). For every content type ("$default"): a body API
    // Gateway did not validate could hold raw control characters, which grow sixfold when API Gateway escapes
    // the body into the function's event; JSON at most doubles, which MAX_BODY_BYTES allows for.
    const eventsBody = this.api.addModel("EventsBody", {
      contentType: "application/json",
      modelName: "EventsBody",
      schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, title: "EventsBody", type: apigateway.JsonSchemaType.OBJECT },
    });
    const validator = this.api.addRequestValidator("BodyValidator", { validateRequestBody: true, validateRequestParameters: true });

    // CORS stays off unless origins are listed: callers are shop servers, and a browser holding the bearer key
    // is a key anyone can read. Never `*`.
    const events = this.api.root.addResource(ROUTES.events.slice(1), {
      defaultCorsPreflightOptions:
        config.corsAllowOrigins.length > 0
          ? { allowOrigins: [...config.corsAllowOrigins], allowMethods: ["POST"], allowHeaders: ["Authorization", "Content-Type"] }
          : undefined,
    });
    const post = events.addMethod("POST", new apigateway.LambdaIntegration(functions.ingest), {
      authorizer,
      requestValidator: validator,
      requestModels: { $default: eventsBody },
      requestParameters: { "method.request.header.Authorization": true },
    });

    const woocommerce = this.api.root.addResource(ROUTES.woocommerce.slice(1));
    const webhook = woocommerce.addMethod("POST", new apigateway.LambdaIntegration(functions.woocommerce));
    // A tenant's webhook: /woocommerce/<tenant>, the same function, the tenant's own secret and pixel.
    const tenantWebhook = woocommerce
      .addResource(TENANT_WOOCOMMERCE_ROUTE.split("/").pop()!)
      .addMethod("POST", new apigateway.LambdaIntegration(functions.woocommerce));
    for (const method of [webhook, tenantWebhook]) {
      for (const rule of ["AwsSolutions-APIG4", "AwsSolutions-COG4"]) {
        Validations.of(method).acknowledge({
          id: rule,
          reason:
            "WooCommerce cannot send a bearer key or a Cognito token: each delivery is authenticated by its HMAC-SHA256 signature (the tenant's own secret under /woocommerce/<tenant>), checked in constant time by the function before anything is queued.",
        });
      }
    }

    const stage = this.api.deploymentStage;
    const methods: Record<RouteName, apigateway.Method> = { events: post, woocommerce: webhook };
    const routeMetrics = (method: apigateway.Method): RequestMetrics => ({
      requests: (options) => method.metricCount(stage, options),
      clientErrors: (options) => method.metricClientError(stage, options),
      serverErrors: (options) => method.metricServerError(stage, options),
    });
    this.metrics = {
      requests: (options) => stage.metricCount(options),
      clientErrors: (options) => stage.metricClientError(options),
      serverErrors: (options) => stage.metricServerError(options),
      route: (route) => routeMetrics(methods[route]),
    } satisfies Record<keyof RequestMetrics, (options?: cloudwatch.MetricOptions) => cloudwatch.Metric> & Pick<EdgeMetrics, "route">;

    this.addHealthCheck();
    this.addGatewayResponses();
    this.acknowledge(post, config);
  }

  /** cdk-nag findings that are deliberate here, each with the reason a reviewer needs. */
  private acknowledge(post: apigateway.Method, config: RestEdgeProps["config"]): void {
    Validations.of(post).acknowledge({
      id: "AwsSolutions-COG4",
      reason: "Callers are shop servers, not users: a Lambda REQUEST authorizer checks their bearer keys (several at once, for rotation).",
    });
    Validations.of(this.api).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
      reason:
        "The account-level API Gateway logging role must write to any API's log groups; AWS provides this managed policy for exactly that role.",
    });
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

  /**
   * GET /health: answered by API Gateway itself (a mock integration), unauthenticated and with no data, so a
   * monitor can check the relay's URL without a key and without running (or paying for) a function.
   */
  private addHealthCheck(): void {
    const health = this.api.root.addResource(ROUTES.health.slice(1)).addMethod(
      "GET",
      new apigateway.MockIntegration({
        requestTemplates: { "application/json": '{"statusCode": 200}' },
        integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": JSON.stringify(HEALTH_BODY) } }],
      }),
      { methodResponses: [{ statusCode: "200" }] },
    );
    for (const rule of ["AwsSolutions-APIG4", "AwsSolutions-COG4"]) {
      Validations.of(health).acknowledge({
        id: rule,
        reason:
          'GET /health answers a constant {"ok": true} from a mock integration: no function runs and no data is returned, so monitors may call it without a key.',
      });
    }
  }

  /** API Gateway's own answers, as JSON a caller's code can read like the function's. */
  private addGatewayResponses(): void {
    const json = (message: string) => ({ "application/json": JSON.stringify({ error: message }) });
    const responses: [string, apigateway.ResponseType, string, string?][] = [
      ["Unauthorized", apigateway.ResponseType.UNAUTHORIZED, GATEWAY_MESSAGES.unauthorized],
      ["MissingAuthToken", apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, GATEWAY_MESSAGES.noRoute, "404"],
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
    return this.api.urlForPath(ROUTES.events);
  }

  /** Full URL of POST /woocommerce. */
  public get woocommerceUrl(): string {
    return this.api.urlForPath(ROUTES.woocommerce);
  }
}
