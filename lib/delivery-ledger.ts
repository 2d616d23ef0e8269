import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { LEDGER_PARTITION_KEY, LEDGER_SORT_KEY, LEDGER_TTL_ATTRIBUTE } from "../lambdas/contract/ledger";

export interface DeliveryLedgerTableProps {
  /**
   * Customer-managed KMS key for the table; grants then include the key actions each grantee needs.
   * @default - the AWS managed key for DynamoDB (aws/dynamodb): no key to manage
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the table when it leaves the stack. It holds the proof of what was delivered, and a
   * new empty ledger would let every event in SQS or the DLQ be sent once more.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The delivery ledger: one item per event TikTok accepted (event_id, destination + event name), expired by
 * DynamoDB's TTL. On demand, so an idle relay costs only its storage (a few cents); point-in-time recovery
 * on, as it costs cents for a table this small and undoes a bad write or a deletion.
 */
export class DeliveryLedgerTable extends Construct {
  public readonly table: dynamodb.Table;
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: DeliveryLedgerTableProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: LEDGER_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: LEDGER_TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.encryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** What the sender (and ingest, if it checks) needs to ask whether events were delivered: reads only. */
  public grantLookup(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey?.grant(grantee, "kms:Decrypt", "kms:DescribeKey");
    return this.table.grant(grantee, "dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query");
  }

  /** What the sender needs to record deliveries: puts only, no update or delete of what is recorded. */
  public grantRecord(grantee: iam.IGrantable): iam.Grant {
    // The key actions CDK's own grantWriteData gives for a customer-managed table key.
    this.encryptionKey?.grant(grantee, "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*");
    return this.table.grant(grantee, "dynamodb:BatchWriteItem", "dynamodb:PutItem");
  }
}
