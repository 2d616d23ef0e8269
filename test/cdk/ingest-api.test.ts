import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { readRelayConfig } from "../../lib/config";
import { RelayStack } from "../../lib/relay-stack";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [], ...context } });
  const stack = new RelayStack(app, "Relay", { config: readRelayConfig(app.node) });
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  return { stack, template: Template.fromStack(stack), id };
}

const actions = (statement: Statement) => [statement.Action].flat();

const { stack, template, id } = synth();
const apiId = id(stack.ingestApi.api);

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
      // The key is checked by the Lambda (constant-time, several keys for rotation), not by API Gateway.
      AuthorizationType: "NONE",
      Integration: {
        Type: "AWS_PROXY",
        IntegrationHttpMethod: "POST",
        Uri: {
          "Fn::Join": ["", Match.arrayWith([{ "Fn::GetAtt": [id(stack.ingestApi.ingestFunction), "Arn"] }])],
        },
      },
    });
  });

  it("exposes POST /events only: no CORS preflight, nothing on the root", () => {
    const methods = Object.values(template.findResources("AWS::ApiGateway::Method"));
    expect(methods.map((m) => m.Properties.HttpMethod)).toEqual(["POST"]);
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
      ],
      AccessLogSetting: { DestinationArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^IngestAccessLogs"), "Arn"] } },
    });
    const stage = Object.values(template.findResources("AWS::ApiGateway::Stage"))[0]!;
    const format = stage.Properties.AccessLogSetting.Format as string;
    expect(JSON.parse(format)).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });
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

describe("ingest permissions", () => {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: Match.arrayWith([{ Ref: id(stack.ingestApi.ingestFunction.role!) }]) },
  });
  const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
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

  it("reads the ingest key secret only, never the TikTok token", () => {
    const secretStatements = statements.filter((s) => actions(s).some((a) => a.startsWith("secretsmanager:")));
    expect(secretStatements.map((s) => s.Resource)).toEqual([{ Ref: id(stack.ingestApiKeySecret) }]);
    expect(actions(secretStatements[0]!)).toContain("secretsmanager:GetSecretValue");
    expect(JSON.stringify(statements)).not.toContain(id(stack.tiktokTokenSecret));
  });

  it("has no other permissions", () => {
    expect(statements).toHaveLength(2);
  });
});

describe("API throttling from context", () => {
  it("follows apiThrottleRate and apiThrottleBurst", () => {
    const custom = synth({ apiThrottleRate: "20", apiThrottleBurst: "40" });
    custom.template.hasResourceProperties("AWS::ApiGateway::Stage", {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })],
    });
  });
});
