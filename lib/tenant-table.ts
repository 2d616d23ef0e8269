import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { ENV, INTEGER_SETTINGS, TENANT_ITEM_KINDS, TENANT_PARTITION_KEY, type TenantItemKind } from "../lambdas/contract";

export interface TenantTableProps {
  /**
   * Seconds the functions cache what they read (TENANT_CACHE_SECONDS).
   * @default 60
   */
  readonly cacheSeconds?: number;
  /**
   * What happens to the table when it leaves the stack: it holds every shop's configuration and token.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The tenants of an agency relay: one DynamoDB table (on demand: an idle tenant costs nothing but its few
 * hundred bytes), one item per kind of thing a function reads ("key#<sha256>", "tenant#<name>",
 * "token#<name>", "webhook#<name>"), encrypted under a customer-managed KMS key. Each function may read only
 * the kinds it needs (dynamodb:LeadingKeys), and only with GetItem: no function can list the tenants or read
 * another kind's items. Writes are the operator's (`npm run tenants`), never a function's.
 */
export class TenantTable extends Construct {
  public readonly table: dynamodb.Table;
  /** Tokens and webhook secrets rest encrypted under it: whoever reads them needs kms:Decrypt on it too. */
  public readonly key: kms.Key;
  private readonly cacheSeconds: number;

  constructor(scope: Construct, id: string, props: TenantTableProps = {}) {
    super(scope, id);
    this.cacheSeconds = props.cacheSeconds ?? INTEGER_SETTINGS.tenantCacheSeconds.default;
    this.key = new kms.Key(this, "Key", {
      description: "Encrypts the relay's tenant table: tenants' TikTok tokens and webhook secrets",
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: TENANT_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /**
   * Lets a function read the given kinds of tenant items (and nothing else), and tells it where the table
   * is and how long to cache what it reads.
   */
  public grantReadKinds(fn: lambda.Function, kinds: readonly TenantItemKind[]): void {
    fn.addEnvironment(ENV.tenantsTable, this.table.tableName);
    fn.addEnvironment(INTEGER_SETTINGS.tenantCacheSeconds.env, String(this.cacheSeconds));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:GetItem"],
        resources: [this.table.tableArn],
        conditions: {
          "ForAllValues:StringLike": { "dynamodb:LeadingKeys": kinds.map((kind) => `${TENANT_ITEM_KINDS[kind]}#*`) },
        },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["kms:Decrypt"],
        resources: [this.key.keyArn],
        // Only through DynamoDB, for this table: the key decrypts nothing else for the function.
        conditions: {
          StringEquals: { "kms:ViaService": `dynamodb.${Stack.of(this).region}.amazonaws.com` },
        },
      }),
    );
  }
}
