import { Match, type Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import type { RestEdge } from "../../lib/rest-edge";
import { synthRelay } from "../support/synth";

// Production hardening a reviewer looks for in the template: WAF when asked for, functions that can write only
// their own logs, execution logs that expire.

const synth = synthRelay;

describe("WAF", () => {
  it("is absent unless asked for", () => {
    synth().template.resourceCountIs("AWS::WAFv2::WebACL", 0);
  });

  it("puts IP reputation, common rules (body size only counted) and a per-IP rate rule in front of the stage", () => {
    const { template, stack, id } = synth({ waf: "true", wafRateLimit: "500" });
    template.hasResourceProperties("AWS::WAFv2::WebACL", {
      Scope: "REGIONAL",
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({ Name: "AWSManagedRulesAmazonIpReputationList", Priority: 0, OverrideAction: { None: {} } }),
        Match.objectLike({
          Name: "AWSManagedRulesCommonRuleSet",
          Priority: 1,
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: "AWS",
              Name: "AWSManagedRulesCommonRuleSet",
              RuleActionOverrides: [{ Name: "SizeRestrictions_BODY", ActionToUse: { Count: {} } }],
            },
          },
        }),
        Match.objectLike({
          Name: "RatePerIp",
          Priority: 2,
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: "IP" } },
        }),
      ],
    });
    const association = Object.values(template.findResources("AWS::WAFv2::WebACLAssociation"))[0]!.Properties;
    expect(JSON.stringify(association.ResourceArn)).toContain(id((stack.edge as RestEdge).api));
    expect(JSON.stringify(association.ResourceArn)).toContain("/stages/");
    expect(association.WebACLArn).toEqual({ "Fn::GetAtt": [stack.getLogicalId(stack.firewall!.webAcl), "Arn"] });
  });
});

describe("function roles", () => {
  const { template, stack, id } = synth();

  it.each([
    ["authorizer", () => stack.authorizerFunction],
    ["ingest", () => stack.ingestFunction],
    ["sender", () => stack.pipeline.senderFunction],
  ])("%s has no AWS managed policy and writes logs to its own log group only", (_name, fn) => {
    const role = template.toJSON().Resources[id(fn().role! as never)];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values(
      template.findResources("AWS::IAM::Policy", { Properties: { Roles: [{ Ref: id(fn().role! as never) }] } }),
    )
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith("logs:")));
    const logGroupId = template.toJSON().Resources[id(fn())].Properties.LoggingConfig.LogGroup.Ref;
    expect(statements).toEqual([
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: { "Fn::GetAtt": [logGroupId, "Arn"] } },
    ]);
  });
});

describe("API execution logs", () => {
  const { template, stack, id } = synth({ logRetentionDays: "14" });

  it("logs errors only, never bodies, into a log group the stack creates with the configured retention", () => {
    const [stage] = Object.values(template.findResources("AWS::ApiGateway::Stage"));
    const settings = stage!.Properties.MethodSettings as Record<string, unknown>[];
    expect(settings.length).toBeGreaterThan(0);
    // Every entry, the stage's and each method override's (an override does not inherit the stage's).
    for (const entry of settings) expect(entry).toMatchObject({ LoggingLevel: "ERROR", DataTraceEnabled: false });
    template.hasResourceProperties("AWS::Logs::LogGroup", {
      LogGroupName: { "Fn::Join": ["", ["API-Gateway-Execution-Logs_", { Ref: id((stack.edge as RestEdge).api) }, "/v1"]] },
      RetentionInDays: 14,
    });
  });
});

describe("IAM resources", () => {
  it("grants nothing on '*' in the default stack (X-Ray, which has no resource-level permissions, only with tracing)", () => {
    const allStatements = (template: Template) =>
      Object.values(template.findResources("AWS::IAM::Policy")).flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
      );
    expect(allStatements(synth().template).filter((s) => [s.Resource].flat().includes("*"))).toEqual([]);
    const traced = allStatements(synth({ tracing: "true" }).template).filter((s) => [s.Resource].flat().includes("*"));
    expect(traced.flatMap((s) => [s.Action].flat()).every((action) => String(action).startsWith("xray:"))).toBe(true);
  });
});
