import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { HttpEdge } from "../../lib/http-edge";
import { synthRelay } from "../support/synth";

// -c api=http: the same routes behind an API Gateway HTTP API, from real CDK synthesis.

describe("HTTP API edge (-c api=http)", () => {
  const { stack, template, resources, id } = synthRelay({ api: "http" });
  const edge = stack.edge as HttpEdge;
  const apiRef = { Ref: id(edge.api) };

  it("replaces the REST API: one HTTP API, no REST API, no WAF", () => {
    expect(edge).toBeInstanceOf(HttpEdge);
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    template.resourceCountIs("AWS::ApiGateway::RestApi", 0);
    template.resourceCountIs("AWS::WAFv2::WebACL", 0);
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP", Name: "Relay" });
  });

  it("checks POST /events with a cached Lambda authorizer (payload 2.0, simple responses, the Authorization header)", () => {
    const authorizers = template.findResources("AWS::ApiGatewayV2::Authorizer");
    expect(Object.values(authorizers)).toHaveLength(1);
    const [authorizerId, authorizer] = Object.entries(authorizers)[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: "REQUEST",
      AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: true,
      IdentitySource: ["$request.header.Authorization"],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(id(stack.authorizerFunction));
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "POST /events",
      AuthorizationType: "CUSTOM",
      AuthorizerId: { Ref: authorizerId },
    });
    // API Gateway may invoke the authorizer
    template.hasResourceProperties("AWS::Lambda::Permission", {
      FunctionName: { "Fn::GetAtt": [id(stack.authorizerFunction), "Arn"] },
      Principal: "apigateway.amazonaws.com",
    });
  });

  it("routes POST /woocommerce, POST /woocommerce/{tenant} and GET /health without the authorizer (the signature is checked in the function), all as payload 2.0", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /woocommerce", AuthorizationType: "NONE" });
    const integrations = Object.values(template.findResources("AWS::ApiGatewayV2::Integration"));
    expect(integrations).toHaveLength(4);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0" });
    }
    const routeKeys = Object.values(resources)
      .filter((resource) => resource.Type === "AWS::ApiGatewayV2::Route")
      .map((route) => route.Properties.RouteKey)
      .sort();
    expect(routeKeys).toEqual(["GET /health", "POST /events", "POST /woocommerce", "POST /woocommerce/{tenant}"]);
  });

  it("throttles the stage and, tighter, the WooCommerce route; per-route metrics; JSON access logs without the source IP", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      ApiId: apiRef,
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, DetailedMetricsEnabled: true },
      RouteSettings: { "POST /woocommerce": { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, DetailedMetricsEnabled: true } },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"status":"\\$context.status"') },
    });
    const stage = Object.values(template.findResources("AWS::ApiGatewayV2::Stage"))[0]!;
    expect(stage.Properties.AccessLogSettings.Format).not.toContain("sourceIp");
    // An HTTP API has no execution log: the authorizer's and the integration's errors are in the access log.
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toEqual({
      requestId: "$context.requestId",
      time: "$context.requestTimeEpoch",
      status: "$context.status",
      ms: "$context.responseLatency",
      bytes: "$context.responseLength",
      route: "$context.routeKey",
      authorizerError: "$context.authorizer.error",
      integrationError: "$context.integrationErrorMessage",
    });
  });

  it("follows the throttling settings", () => {
    const tuned = synthRelay({
      api: "http",
      apiThrottleRate: "500",
      apiThrottleBurst: "1000",
      woocommerceThrottleRate: "3",
      woocommerceThrottleBurst: "6",
    });
    tuned.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      RouteSettings: { "POST /woocommerce": { ThrottlingRateLimit: 3, ThrottlingBurstLimit: 6 } },
    });
  });

  it("allows only the listed CORS origins, and none by default", () => {
    expect(resources[id(edge.api)]!.Properties.CorsConfiguration).toBeUndefined();
    const cors = synthRelay({ api: "http", corsAllowOrigins: "https://shop.example" });
    cors.template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      CorsConfiguration: {
        AllowOrigins: ["https://shop.example"],
        AllowMethods: ["POST"],
        AllowHeaders: ["Authorization", "Content-Type"],
      },
    });
  });

  it("outputs the HTTP API's URLs", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain(id(edge.api));
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain("/events");
    expect(JSON.stringify(outputs.WooCommerceUrl!.Value)).toContain("/woocommerce");
    expect(outputs.ApiId!.Value).toEqual(apiRef);
  });

  it("alarms on the HTTP API's own metrics, per route (ApiId, Stage, Resource, Method)", () => {
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((alarm) => JSON.stringify(alarm.Properties));
    const apiAlarms = alarms.filter((alarm) => alarm.includes("AWS/ApiGateway"));
    expect(apiAlarms.length).toBeGreaterThan(0);
    for (const alarm of apiAlarms) expect(alarm).toContain(id(edge.api));
    expect(apiAlarms.some((alarm) => alarm.includes('"/woocommerce"') && alarm.includes('"Resource"'))).toBe(true);
    expect(alarms.join("")).not.toContain("ApiName");
  });

  it("refuses WAF with an HTTP API (it cannot take a web ACL)", () => {
    expect(() => synthRelay({ api: "http", waf: "true" })).toThrow(/HTTP API .* cannot take an AWS WAF web ACL/);
    expect(() => synthRelay({ api: "graphql" })).toThrow(/api/);
  });
});
