import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type DeadLetterMessage, describeMessage } from "./dead-letter-message";

// Reads a queue once through. SQS has no "list messages": receiving hides a message for its visibility
// timeout, so every message the caller keeps is made visible again at the end, even when the scan fails.

export interface ScanOptions {
  /** Stop after this many messages. */
  max?: number;
  /** Long polling: an empty short poll can miss messages on SQS, so the scan ends on an empty long poll. */
  waitSeconds?: number;
  /** Long enough for a whole scan, so a kept message does not come back and get counted twice. */
  visibilitySeconds?: number;
}

/** Gets each new batch; returns the messages it leaves in the queue (to be made visible again). */
export type Visit = (batch: DeadLetterMessage[]) => Promise<DeadLetterMessage[]>;

export async function scanQueue(sqs: SQSClient, queueUrl: string, visit: Visit, options: ScanOptions = {}): Promise<number> {
  const { max = Infinity, waitSeconds = 1, visibilitySeconds = 300 } = options;
  const seen = new Set<string>();
  /** messageId → latest receipt handle: a message received again has a new one, and only that one works. */
  const kept = new Map<string, string>();
  try {
    while (seen.size < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          WaitTimeSeconds: waitSeconds,
          VisibilityTimeout: visibilitySeconds,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["SentTimestamp"],
          // The deprecated spelling too: local-aws-sqs reads only this one.
          AttributeNames: ["All"],
        }),
      );
      const fresh: DeadLetterMessage[] = [];
      for (const message of Messages.map(describeMessage)) {
        if (seen.has(message.messageId)) {
          if (kept.has(message.messageId)) kept.set(message.messageId, message.receiptHandle);
        } else if (seen.size + fresh.length < max && !fresh.some((other) => other.messageId === message.messageId)) {
          fresh.push(message);
        }
      }
      if (fresh.length === 0) break;
      for (const message of fresh) seen.add(message.messageId);
      for (const message of await visit(fresh)) kept.set(message.messageId, message.receiptHandle);
    }
  } finally {
    await release(sqs, queueUrl, [...kept.values()]);
  }
  return seen.size;
}

async function release(sqs: SQSClient, queueUrl: string, receiptHandles: string[]): Promise<void> {
  for (let i = 0; i < receiptHandles.length; i += 10) {
    const entries = receiptHandles
      .slice(i, i + 10)
      .map((handle, index) => ({ Id: String(index), ReceiptHandle: handle, VisibilityTimeout: 0 }));
    // Best effort: a message not released here becomes visible by itself when the scan's timeout ends.
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries })).catch(() => undefined);
  }
}
