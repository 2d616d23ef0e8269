import * as iam from "aws-cdk-lib/aws-iam";
import type { IQueue } from "aws-cdk-lib/aws-sqs";

// Least-privilege sending to a queue. CDK's queue.grantSendMessages() also grants kms:Encrypt, kms:ReEncrypt*
// and kms:GenerateDataKey* on a customer-managed queue key; SQS needs only two KMS actions of a producer.

/**
 * SendMessage (SendMessageBatch is authorised by it) on one queue, with the queue lookups the SDK may make, and
 * with a customer-managed key kms:GenerateDataKey (SQS asks for a data key to encrypt the message) and
 * kms:Decrypt (SQS checks the cached data key) on that key only.
 */
export function grantSendOnly(queue: IQueue, grantee: iam.IGrantable): iam.Grant {
  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
    resourceArns: [queue.queueArn],
  });
  queue.encryptionMasterKey?.grant(grantee, "kms:GenerateDataKey", "kms:Decrypt");
  return grant;
}
