import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import type { RestEdge } from "../../lib/rest-edge";
import { synthRelay } from "../support/synth";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const synth = synthRelay;

const actions = (statement: Statement) => [statement.Action].flat();

const { stack, template, id } = synth();
const apiId = id((stack.edge as RestEdge).api);

describe("ingest API", () => {
  it("is a regional REST API", () => {
    template.resourceCountIs("AWS::ApiGateway::RestApi", 1);
    template.hasResourceProperties("AWS::ApiGateway::RestApi", { EndpointConfiguration: { Types: ["REGIONAL"] } });
  });

  it("routes POST /events to the ingest Lambda through a proxy integration", () => {
    const resources = template.findResources("AWS::ApiGateway::Resource", { Properties: { PathPart: "events" } });
    const [eventsId] = Object.keys(resources);
    expect(eventsId).toBeDefined();
    template.hasResourceProperties("AWS::ApiGateway::Method", {
      RestApiId: { Ref: apiId },
      ResourceId: { Ref: eventsId },
      HttpMethod: "POST",
      // API Gateway refuses a request without a valid key before the ingest function runs.
      AuthorizationType: "CUSTOM",
      AuthorizerId: { Ref: id((stack.edge as RestEdge).node.findChild("KeyAuthorizer") as never) },
      RequestValidatorId: Match.anyValue(),
      RequestModels: { $default: Match.anyValue() },
      RequestParameters: { "method.request.header.Authorization": true },
      Integration: {
        Type: "AWS_PROXY",
        IntegrationHttpMethod: "POST",
        Uri: {
          "Fn::Join": ["", Match.arrayWith([{ "Fn::GetAtt": [id(stack.ingestFunction), "Arn"] }])],
        },
      },
    });
  });

  it("exposes POST /events, POST /woocommerce, POST /woocommerce/{tenant} and GET /health only: no CORS preflight by default, nothing on the root", () => {
    const methods = Object.values(template.findResources("AWS::ApiGateway::Method"));
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(["GET", "POST", "POST", "POST"]);
    template.resourcePropertiesCountIs("AWS::ApiGateway::Method", { HttpMethod: "OPTIONS" }, 0);
  });

  it("throttles the v1 stage, enables metrics and logs requests as JSON without IPs or bodies", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "v1",
      MethodSettings: [
        Match.objectLike({
          HttpMethod: "*",
          ResourcePath: "/*",
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
          MetricsEnabled: true,
          DataTraceEnabled: false,
        }),
        // POST /woocommerce's own, tighter limits; its metrics and error logs as the stage's (an override replaces them).
        {
          HttpMethod: "POST",
          ResourcePath: "/~1woocommerce",
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 20,
          MetricsEnabled: true,
          LoggingLevel: "ERROR",
          DataTraceEnabled: false,
        },
        // Each tenant's webhook, under the same limits.
        {
          HttpMethod: "POST",
          ResourcePath: "/~1woocommerce~1{tenant}",
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 20,
          MetricsEnabled: true,
          LoggingLevel: "ERROR",
          DataTraceEnabled: false,
        },
      ],
      AccessLogSetting: { DestinationArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^IngestAccessLogs"), "Arn"] } },
    });
    const stage = Object.values(template.findResources("AWS::ApiGateway::Stage"))[0]!;
    const format = stage.Properties.AccessLogSetting.Format as string;
    // One short line per request, the one record a request that went through leaves (docs/deploy.md).
    expect(JSON.parse(format)).toEqual({
      requestId: "$context.requestId",
      time: "$context.requestTimeEpoch",
      status: "$context.status",
      ms: "$context.responseLatency",
      bytes: "$context.responseLength",
      route: "$context.httpMethod $context.resourcePath",
    });
    expect(format).not.toMatch(/sourceIp|\$input|\$context\.authorizer|Authorization/i);
  });

  it("keeps the access log for the configured retention", () => {
    template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
    const accessLogs = template.findResources("AWS::Logs::LogGroup");
    expect(Object.keys(accessLogs).filter((key) => key.startsWith("IngestAccessLogs"))).toHaveLength(1);
  });

  it("sets the account's API Gateway logging role so access logs work in a fresh account", () => {
    template.resourceCountIs("AWS::ApiGateway::Account", 1);
  });
});

describe("key authorizer", () => {
  it("is a REQUEST authorizer on the Authorization header, cached for 300 s, running the authorizer function", () => {
    template.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "REQUEST",
      IdentitySource: "method.request.header.Authorization",
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: { "Fn::Join": ["", Match.arrayWith([{ "Fn::GetAtt": [id(stack.authorizerFunction), "Arn"] }])] },
    });
  });

  it("follows authorizerCacheSeconds", () => {
    synth({ authorizerCacheSeconds: "0" }).template.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it("may read the ingest key secret and nothing else", () => {
    const policies = template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: Match.arrayWith([{ Ref: id(stack.authorizerFunction.role!) }]) },
    });
    const statements = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => !actions(s).every((a) => a.startsWith("logs:"))) // its own log group: see hardening.test.ts
      .filter((s) => !JSON.stringify(s.Resource).includes("Tenants")); // its tenant key items: see tenants.test.ts
    expect(statements.map((s) => s.Resource)).toEqual([{ Ref: id(stack.ingestApiKeySecret) }]);
    expect(statements.flatMap(actions).sort()).toEqual(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]);
  });

  it("answers API Gateway's own errors as JSON {error}: 401 with the same text the authorizer code uses, 503 when keys are unreadable", async () => {
    const { UNAUTHORIZED_MESSAGE, AUTHORIZER_FAILURE_MESSAGE } = await import("../../lambdas/authorizer/authorize");
    const responses = Object.values(template.findResources("AWS::ApiGateway::GatewayResponse")).map((r) => r.Properties);
    const byType = Object.fromEntries(responses.map((r) => [r.ResponseType, r]));
    expect(byType.UNAUTHORIZED).toMatchObject({
      ResponseTemplates: { "application/json": JSON.stringify({ error: UNAUTHORIZED_MESSAGE }) },
    });
    expect(byType.AUTHORIZER_FAILURE).toMatchObject({
      StatusCode: "503",
      ResponseTemplates: { "application/json": JSON.stringify({ error: AUTHORIZER_FAILURE_MESSAGE }) },
    });
    expect(byType.AUTHORIZER_CONFIGURATION_ERROR).toMatchObject({ StatusCode: "503" });
    expect(byType.MISSING_AUTHENTICATION_TOKEN).toMatchObject({ StatusCode: "404" });
    for (const type of ["BAD_REQUEST_BODY", "REQUEST_TOO_LARGE", "THROTTLED"]) {
      expect(JSON.parse(byType[type].ResponseTemplates["application/json"])).toEqual({ error: expect.any(String) });
    }
  });

  it("validates the body as a JSON object before the function runs, whatever its content type", () => {
    template.hasResourceProperties("AWS::ApiGateway::RequestValidator", { ValidateRequestBody: true, ValidateRequestParameters: true });
    const [modelId] = Object.keys(
      template.findResources("AWS::ApiGateway::Model", { Properties: { Schema: Match.objectLike({ type: "object" }) } }),
    );
    // "$default": a body sent as text/plain or form data is validated too, so only JSON reaches the function
    // (its escaped size is at most twice its size: README, Limits).
    template.hasResourceProperties("AWS::ApiGateway::Method", {
      HttpMethod: "POST",
      AuthorizationType: "CUSTOM",
      RequestModels: { $default: { Ref: modelId } },
    });
  });
});

describe("CORS and tracing from context", () => {
  const custom = synth({ corsAllowOrigins: "https://shop.example,https://www.shop.example", tracing: "true" });

  it("adds a preflight for the listed origins only, and tells the ingest function which origins to echo", () => {
    const options = Object.values(custom.template.findResources("AWS::ApiGateway::Method", { Properties: { HttpMethod: "OPTIONS" } }));
    expect(options).toHaveLength(1);
    const headers = JSON.stringify(options[0]!.Properties.Integration.IntegrationResponses);
    expect(headers).toContain("https://shop.example");
    expect(headers).not.toContain("'*'");
    custom.template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ CORS_ALLOW_ORIGINS: "https://shop.example,https://www.shop.example" }) },
    });
  });

  it("refuses a wildcard origin at synth", () => {
    expect(() => synth({ corsAllowOrigins: "*" })).toThrow(/corsAllowOrigins/);
  });

  it("turns on X-Ray for the stage and the four functions", () => {
    custom.template.hasResourceProperties("AWS::ApiGateway::Stage", { TracingEnabled: true });
    const traced = Object.values(custom.template.findResources("AWS::Lambda::Function")).filter(
      (f) => f.Properties.TracingConfig?.Mode === "Active",
    );
    expect(traced).toHaveLength(4);
  });
});

describe("ingest permissions", () => {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: Match.arrayWith([{ Ref: id(stack.ingestFunction.role!) }]) },
  });
  // Its reads of the tenant table are checked in tenants.test.ts.
  const statements = Object.values(policies)
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => !JSON.stringify(s.Resource).includes("Tenants"));
  const queueArn = { "Fn::GetAtt": [id(stack.pipeline.queue), "Arn"] };

  it("may only send to the events queue", () => {
    const sqsStatements = statements.filter((s) => actions(s).some((a) => a.startsWith("sqs:")));
    expect(sqsStatements.map((s) => s.Resource)).toEqual([queueArn]);
    expect(sqsStatements.flatMap(actions).sort()).toEqual(["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]);
  });

  it("cannot receive or delete messages", () => {
    const all = statements.flatMap(actions);
    for (const forbidden of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:*"]) {
      expect(all).not.toContain(forbidden);
    }
  });

  it("reads no secret at all: the authorizer checked the key", () => {
    expect(statements.flatMap(actions).filter((a) => a.startsWith("secretsmanager:"))).toEqual([]);
  });

  it("has no other permissions (besides writing its own logs)", () => {
    expect(statements.filter((s) => !actions(s).every((a) => a.startsWith("logs:")))).toHaveLength(1);
  });
});

describe("API throttling from context", () => {
  it("follows apiThrottleRate and apiThrottleBurst for the stage, woocommerceThrottleRate and woocommerceThrottleBurst for /woocommerce", () => {
    const custom = synth({ apiThrottleRate: "20", apiThrottleBurst: "40", woocommerceThrottleRate: "2", woocommerceThrottleBurst: "4" });
    custom.template.hasResourceProperties("AWS::ApiGateway::Stage", {
      MethodSettings: [
        Match.objectLike({ ResourcePath: "/*", ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
        Match.objectLike({ ResourcePath: "/~1woocommerce", HttpMethod: "POST", ThrottlingRateLimit: 2, ThrottlingBurstLimit: 4 }),
        Match.objectLike({ ResourcePath: "/~1woocommerce~1{tenant}", HttpMethod: "POST", ThrottlingRateLimit: 2, ThrottlingBurstLimit: 4 }),
      ],
    });
  });
});
