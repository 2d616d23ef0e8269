import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { ROUTES, TENANT_WOOCOMMERCE_ROUTE } from "../lambdas/contract";
import { accessLogFormat, HTTP_ACCESS_LOG_FIELDS } from "./access-log";
import type { EdgeMetrics, RelayEdge, RequestMetrics, RouteName } from "./edge";
import type { RestEdgeProps } from "./rest-edge";

/** The HTTP API's stage: `$default` serves the routes at the API's root, so the paths match the REST API's after /v1. */
export const HTTP_STAGE_NAME = "$default";

export type HttpEdgeProps = Omit<RestEdgeProps, "config"> & {
  readonly config: Omit<RestEdgeProps["config"], "waf">;
};

/**
 * The relay's public edge as an API Gateway HTTP API (`-c api=http`): the same routes as the REST API
 * (lib/rest-edge.ts) at $1.00 instead of $3.50 per million requests. What it gives up: no AWS WAF web ACL, no
 * body model (the ingest function alone checks the body), and API Gateway's own refusals keep its bodies
 * (`{"message":"Unauthorized"}` 401 without a key, `{"message":"Forbidden"}` 403 for a wrong key,
 * `{"message":"Too Many Requests"}` 429): HTTP APIs have no gateway responses to rewrite them.
 * Its construct id ("HttpIngest") and the API's ("Api") name the API in CloudFormation: keep them.
 */
export class HttpEdge extends Construct implements RelayEdge {
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly metrics: EdgeMetrics;

  constructor(scope: Construct, id: string, props: HttpEdgeProps) {
    super(scope, id);
    const { config, functions } = props;

    const accessLogGroup = new logs.LogGroup(this, "AccessLogs", {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigwv2.HttpApi(this, "Api", {
      // API Gateway reports metrics by API id; the name tells two relays apart in the console.
      apiName: Stack.of(this).stackName,
      description: "tiktok-events-relay: POST /events with a bearer key",
      // Our own stage below: the default one cannot be given throttling, access logs and route settings together.
      createDefaultStage: false,
      // CORS stays off unless origins are listed: callers are shop servers. Never `*`.
      corsPreflight:
        config.corsAllowOrigins.length > 0
          ? {
              allowOrigins: [...config.corsAllowOrigins],
              allowMethods: [apigwv2.CorsHttpMethod.POST],
              allowHeaders: ["Authorization", "Content-Type"],
            }
          : undefined,
    });

    this.stage = new apigwv2.HttpStage(this, "Stage", {
      httpApi: this.api,
      stageName: HTTP_STAGE_NAME,
      autoDeploy: true,
      throttle: { rateLimit: config.apiThrottleRate, burstLimit: config.apiThrottleBurst },
      // Per route, not only per stage: the alarms watch each route's 4xx and 5xx on its own.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogGroup),
        // One short JSON line per request (lib/access-log.ts); the authorizer's and the integration's errors are
        // here: an HTTP API has no execution logs.
        format: apigateway.AccessLogFormat.custom(accessLogFormat(HTTP_ACCESS_LOG_FIELDS)),
      },
    });

    const authorizer = new HttpLambdaAuthorizer("KeyAuthorizer", functions.authorizer, {
      // Payload 2.0 with simple responses ({ isAuthorized, context }); cached per Authorization header, so a
      // valid caller costs one authorizer run per cache period, not one per request.
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ["$request.header.Authorization"],
      resultsCacheTtl: Duration.seconds(config.authorizerCacheSeconds),
    });

    const [events] = this.api.addRoutes({
      path: ROUTES.events,
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration("IngestIntegration", functions.ingest),
      authorizer,
    });
    const [webhook] = this.api.addRoutes({
      path: ROUTES.woocommerce,
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration("WooCommerceIntegration", functions.woocommerce),
    });
    // A tenant's own webhook URL (its secret and pixel are looked up by the name in the path).
    const [tenantWebhook] = this.api.addRoutes({
      path: TENANT_WOOCOMMERCE_ROUTE,
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration("TenantWooCommerceIntegration", functions.woocommerce),
    });

    // HTTP APIs have no mock integration: GET /health runs the ingest function, which answers it without
    // reading anything (lambdas/ingest/ingest.ts).
    const [health] = this.api.addRoutes({
      path: ROUTES.health,
      methods: [apigwv2.HttpMethod.GET],
      integration: new HttpLambdaIntegration("HealthIntegration", functions.ingest),
    });
    for (const rule of ["AwsSolutions-APIG4", "AwsSolutions-COG4"]) {
      Validations.of(health!).acknowledge({
        id: rule,
        reason: 'GET /health answers a constant {"ok": true} and no data, so monitors may call it without a key.',
      });
    }

    // Anyone can reach /woocommerce (it is authenticated inside the function), and a shop sends a few order
    // updates a second at most: a tighter limit keeps a flood from costing invocations and secret reads.
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    // (RouteSettings is untyped JSON in CloudFormation's schema: the keys are written as CloudFormation spells them.)
    cfnStage.routeSettings = {
      [`POST ${ROUTES.woocommerce}`]: {
        ThrottlingRateLimit: config.woocommerceThrottleRate,
        ThrottlingBurstLimit: config.woocommerceThrottleBurst,
        DetailedMetricsEnabled: true,
      },
      [`POST ${TENANT_WOOCOMMERCE_ROUTE}`]: {
        ThrottlingRateLimit: config.woocommerceThrottleRate,
        ThrottlingBurstLimit: config.woocommerceThrottleBurst,
        DetailedMetricsEnabled: true,
      },
    };
    // Route settings name a route: the stage must come after it.
    cfnStage.node.addDependency(webhook!);
    cfnStage.node.addDependency(tenantWebhook!);

    const routeMetrics = (resource: string): RequestMetrics => {
      const metric = (metricName: string, options?: cloudwatch.MetricOptions) =>
        new cloudwatch.Metric({
          namespace: "AWS/ApiGateway",
          metricName,
          dimensionsMap: { ApiId: this.api.apiId, Stage: HTTP_STAGE_NAME, Resource: resource, Method: "POST" },
          statistic: "Sum",
          ...options,
        });
      return {
        requests: (options) => metric("Count", options),
        clientErrors: (options) => metric("4xx", options),
        serverErrors: (options) => metric("5xx", options),
      };
    };
    const routes: Record<RouteName, string> = { events: ROUTES.events, woocommerce: ROUTES.woocommerce };
    this.metrics = {
      requests: (options) => this.stage.metricCount(options),
      clientErrors: (options) => this.stage.metricClientError(options),
      serverErrors: (options) => this.stage.metricServerError(options),
      route: (route) => routeMetrics(routes[route]),
    };

    this.acknowledge(events!, webhook!);
    this.acknowledge(events!, tenantWebhook!);
  }

  /** cdk-nag findings that are deliberate here, each with the reason a reviewer needs. */
  private acknowledge(events: apigwv2.HttpRoute, webhook: apigwv2.HttpRoute): void {
    Validations.of(events).acknowledge({
      id: "AwsSolutions-COG4",
      reason: "Callers are shop servers, not users: a Lambda authorizer checks their bearer keys (several at once, for rotation).",
    });
    for (const rule of ["AwsSolutions-APIG4", "AwsSolutions-COG4"]) {
      Validations.of(webhook).acknowledge({
        id: rule,
        reason:
          "WooCommerce cannot send a bearer key or a Cognito token: each delivery is authenticated by its HMAC-SHA256 signature, checked in constant time by the function before anything is queued.",
      });
    }
  }

  /** Full URL of POST /events. */
  public get eventsUrl(): string {
    return `${this.api.apiEndpoint}${ROUTES.events}`;
  }

  /** Full URL of POST /woocommerce. */
  public get woocommerceUrl(): string {
    return `${this.api.apiEndpoint}${ROUTES.woocommerce}`;
  }
}
