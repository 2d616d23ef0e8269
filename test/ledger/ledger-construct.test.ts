import { App, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { DeliveryLedgerTable, type DeliveryLedgerTableProps } from "../../lib/delivery-ledger";

// The ledger table as CloudFormation sees it, the exact permissions each grant gives, and cdk-nag's AWS
// Solutions pack (as bin/app.ts runs it) finding nothing on it.

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";

function synth(props: (stack: Stack) => DeliveryLedgerTableProps = () => ({})) {
  const app = new App();
  const pack = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(pack);
  const stack = new Stack(app, "Ledger", { env: { account: "123456789012", region: "eu-west-1" } });
  const ledgerProps = props(stack);
  const ledger = new DeliveryLedgerTable(stack, "DeliveryLedger", ledgerProps);
  const principal = new iam.ServicePrincipal("lambda.amazonaws.com");
  const sender = new iam.Role(stack, "Sender", { assumedBy: principal });
  if (ledgerProps.encryptionKey) {
    // What RelayFunction.acknowledgeKmsGrants records on the real sender's role: the wildcards are KMS action
    // families on one key, written by the grant, not by the table.
    for (const action of ["kms:GenerateDataKey*", "kms:ReEncrypt*"]) {
      Validations.of(sender).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: "KMS action family for the ledger's customer-managed key, scoped to its ARN.",
      });
    }
  }
  const reader = new iam.Role(stack, "Reader", { assumedBy: principal });
  ledger.grantLookup(sender);
  ledger.grantRecord(sender);
  ledger.grantLookup(reader);
  const template = Template.fromStack(stack);
  const tableId = stack.getLogicalId(ledger.table.node.defaultChild as never);
  const statementsOf = (role: iam.Role) => {
    const policies = template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as never) }] },
    });
    return Object.values(policies).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement,
    );
  };
  const findings = (path = "") =>
    pack
      .validateScope(stack)
      .violations.flatMap((v) =>
        v.violatingResources.filter((r) => r.constructPath?.includes(path)).map((r) => `${v.ruleName} at ${r.constructPath}`),
      );
  return { app, stack, template, tableId, sender, reader, statementsOf, findings };
}

const tableArn = (tableId: string) => [{ "Fn::GetAtt": [tableId, "Arn"] }];

describe("DeliveryLedgerTable", () => {
  it("is keyed by event_id and target, on demand, with TTL on expires_at, PITR on, AWS-managed encryption, retained", () => {
    const { template, tableId } = synth();
    const resources = template.findResources("AWS::DynamoDB::Table");
    expect(Object.keys(resources)).toEqual([tableId]);
    expect(resources[tableId]).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    expect(resources[tableId]!.Properties).toEqual({
      KeySchema: [
        { AttributeName: "event_id", KeyType: "HASH" },
        { AttributeName: "target", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "event_id", AttributeType: "S" },
        { AttributeName: "target", AttributeType: "S" },
      ],
      BillingMode: "PAY_PER_REQUEST",
      TimeToLiveSpecification: { AttributeName: "expires_at", Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it("grants exactly the lookup and record actions on the table, nothing on other resources", () => {
    const { tableId, sender, reader, statementsOf } = synth();
    const read = { Effect: "Allow", Action: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"], Resource: tableArn(tableId) };
    const write = { Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:PutItem"], Resource: tableArn(tableId) };
    expect(statementsOf(reader)).toEqual([read]);
    expect(statementsOf(sender)).toEqual([read, write]);
  });

  it("with a customer-managed key: encrypted with it, and each grant adds the key actions its calls need", () => {
    const { template, tableId, sender, reader, statementsOf } = synth((stack) => ({
      encryptionKey: kms.Key.fromKeyArn(stack, "Key", KEY_ARN),
    }));
    expect(template.toJSON().Resources[tableId].Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: "KMS",
      KMSMasterKeyId: KEY_ARN,
    });
    expect(statementsOf(reader)).toContainEqual({ Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: KEY_ARN });
    expect(statementsOf(sender)).toContainEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
      Resource: KEY_ARN,
    });
    expect(statementsOf(reader).flatMap((s) => (s as { Action: string[] }).Action)).not.toContain("kms:Encrypt");
  });

  it("can be destroyed with the stack when asked (a throwaway test stack)", () => {
    const { template } = synth(() => ({ removalPolicy: RemovalPolicy.DESTROY }));
    template.hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Delete", UpdateReplacePolicy: "Delete" });
  });

  it.each([
    ["AWS-managed encryption", () => ({})],
    ["a customer-managed key", (stack: Stack) => ({ encryptionKey: kms.Key.fromKeyArn(stack, "Key", KEY_ARN) })],
  ])("passes cdk-nag's AWS Solutions checks with %s, and synth with the checks on succeeds", (_name, props) => {
    const { app, findings } = synth(props);
    expect(findings()).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it("would be flagged without point-in-time recovery: the check above is live, not vacuous", () => {
    const { stack, findings } = synth();
    const bare = new DeliveryLedgerTable(stack, "Bare");
    (bare.table.node.defaultChild as dynamodb.CfnTable).pointInTimeRecoverySpecification = undefined;
    expect(findings("Bare")).toEqual(["AwsSolutions-DDB3 at Ledger/Bare/Table/Resource"]);
  });
});
