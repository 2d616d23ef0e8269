import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { synthRelay } from "../support/synth";

const tokenArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/tiktok-token-AbC123";
const { stack, template } = synthRelay({ tiktokTokenSecretArn: tokenArn });

describe("with an existing TikTok token secret (tiktokTokenSecretArn)", () => {
  it("creates no token secret, only the generated ingest key and WooCommerce webhook secret", () => {
    const secrets = Object.values(template.findResources("AWS::SecretsManager::Secret")).map((r) => r.Properties);
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) expect(secret.GenerateSecretString).toBeDefined();
  });

  it("points the sender at it and lets the sender read it", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TIKTOK_ACCESS_TOKEN_SECRET_ARN: tokenArn }) },
    });
    const senderRole = stack.getLogicalId(stack.pipeline.senderFunction.role!.node.defaultChild as never);
    template.hasResourceProperties("AWS::IAM::Policy", {
      Roles: [{ Ref: senderRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(["secretsmanager:GetSecretValue"]), Resource: tokenArn })]),
      },
    });
  });

  it("outputs the given ARN", () => {
    expect(template.findOutputs("TikTokTokenSecretArn").TikTokTokenSecretArn?.Value).toBe(tokenArn);
  });
});

describe("with an existing token secret under a customer-managed key (tiktokTokenSecretKmsKeyArn)", () => {
  const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
  const custom = synthRelay({ tiktokTokenSecretArn: tokenArn, tiktokTokenSecretKmsKeyArn: keyArn });
  const senderRole = custom.stack.getLogicalId(custom.stack.pipeline.senderFunction.role!.node.defaultChild as never);

  it("lets the sender decrypt with that key, through Secrets Manager only", () => {
    custom.template.hasResourceProperties("AWS::IAM::Policy", {
      Roles: [{ Ref: senderRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "kms:Decrypt",
            Resource: keyArn,
            Condition: {
              StringEquals: { "kms:ViaService": { "Fn::Join": ["", ["secretsmanager.", { Ref: "AWS::Region" }, ".amazonaws.com"]] } },
            },
          }),
        ]),
      },
    });
  });

  it("grants no KMS action without it (a secret under the AWS managed key needs none)", () => {
    const kms = Object.values(template.findResources("AWS::IAM::Policy"))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      // The tenant table's own key (tenants.test.ts) is not the token secret's.
      .filter((s) => !JSON.stringify(s.Resource).includes("Tenants"))
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith("kms:"));
    expect(kms).toEqual([]);
  });
});
