import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ENV, TENANT_PARTITION_KEY } from "../../lambdas/contract";
import { synthRelay } from "../support/synth";

// The tenant table and who may read what of it: each function only its own item kinds, with GetItem only,
// and the table's KMS key only through DynamoDB. No function can list tenants, nor write them.

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

function statementsOf(resources: ReturnType<typeof synthRelay>["resources"], roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === "AWS::IAM::Policy" && JSON.stringify(r.Properties.Roles).includes(roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe("tenants in the stack", () => {
  const { stack, template, resources, id } = synthRelay({ tenantAlarms: "shop-a" });
  const tableId = id(stack.tenants.table);
  const keyId = id(stack.tenants.key);

  it("keeps tenants in one on-demand table encrypted under its own rotating KMS key, retained", () => {
    template.hasResource("AWS::DynamoDB::Table", {
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: TENANT_PARTITION_KEY, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: Match.anyValue() }),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
      DeletionPolicy: "Retain",
    });
    expect(resources[keyId]!.Properties.EnableKeyRotation).toBe(true);
    template.hasOutput("TenantsTableName", { Value: { Ref: tableId } });
  });

  it.each([
    ["authorizerFunction", ["key#*"]],
    ["ingestFunction", ["tenant#*"]],
    ["sender", ["token#*"]],
    ["woocommerce", ["tenant#*", "webhook#*"]],
  ] as const)("lets the %s read only %j items, with GetItem, and decrypt only via DynamoDB", (name, kinds) => {
    const fn = name === "sender" ? stack.pipeline.senderFunction : name === "woocommerce" ? stack.woocommerce.webhookFunction : stack[name];
    const roleId = id(fn.role! as never);
    const onTable = statementsOf(resources, roleId).filter((s) => JSON.stringify(s.Resource).includes(tableId));
    expect(onTable).toEqual([
      {
        Action: "dynamodb:GetItem",
        Effect: "Allow",
        Resource: { "Fn::GetAtt": [tableId, "Arn"] },
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...kinds] } },
      },
    ]);
    const onKey = statementsOf(resources, roleId).filter((s) => JSON.stringify(s.Resource).includes(keyId));
    expect(onKey).toHaveLength(1);
    expect(onKey[0]!.Action).toBe("kms:Decrypt");
    expect(Object.keys(onKey[0]!.Condition!.StringEquals!)).toEqual(["kms:ViaService"]);
    const env = (resources[id(fn as never)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env[ENV.tenantsTable]).toEqual({ Ref: tableId });
    expect(env.TENANT_CACHE_SECONDS).toBe("60");
  });

  it("gives no other role any access to the tenant table", () => {
    const readers = Object.values(resources).filter(
      (r) => r.Type === "AWS::IAM::Policy" && JSON.stringify(r.Properties.PolicyDocument).includes(tableId),
    );
    expect(readers).toHaveLength(4);
  });

  it("routes POST /woocommerce/{tenant} to the webhook function, throttled like /woocommerce", () => {
    template.hasResourceProperties("AWS::ApiGateway::Resource", { PathPart: "{tenant}" });
    const stage = Object.values(resources).find((r) => r.Type === "AWS::ApiGateway::Stage")!;
    expect(JSON.stringify(stage.Properties.MethodSettings)).toContain("/~1woocommerce~1{tenant}");
  });

  it("alarms per listed tenant, naming it, and offers a Tenant variable on the dashboard", () => {
    const deadLettered = Object.values(resources).find((r) => r.Properties.AlarmName === "Relay-Tenant-shop-a-DeadLettered")!;
    expect(deadLettered.Properties.AlarmDescription).toMatch(/^Tenant shop-a: .*--tenant shop-a/);
    expect(JSON.stringify(deadLettered.Properties.Metrics)).toContain('{"Name":"Tenant","Value":"shop-a"}');
    template.hasResourceProperties("AWS::CloudWatch::Alarm", { AlarmName: "Relay-Tenant-shop-a-Failing" });
    expect(stack.monitoring.tenantAlarms["shop-a"]).toHaveLength(2);
    const dashboard = JSON.stringify(Object.values(resources).find((r) => r.Type === "AWS::CloudWatch::Dashboard")!.Properties);
    expect(dashboard).toContain('\\"property\\":\\"Tenant\\"');
  });

  it("refuses a tenant alarm name that is not a tenant name", () => {
    expect(() => synthRelay({ tenantAlarms: "Shop A" })).toThrow(/tenantAlarms/);
  });
});
