import { ChangeMessageVisibilityBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Log } from "../core/log";
import type { SenderQueue } from "../core/sender-queue";
import { sendInBatches } from "./sqs-batches";

// The sender's queue port (lambdas/core/sender-queue.ts) on SQS: DLQ moves and retry delays.

export function sqsSenderQueue(client: SQSClient, queueUrl: string, deadLetterQueueUrl: string, log: Log): SenderQueue {
  return {
    deadLetter: (messages) => sendInBatches(client, deadLetterQueueUrl, messages),
    async delay(entries) {
      for (let start = 0; start < entries.length; start += 10) {
        const chunk = entries.slice(start, start + 10);
        try {
          const result = await client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map((entry, i) => ({ Id: String(i), ReceiptHandle: entry.receiptHandle, VisibilityTimeout: entry.seconds })),
            }),
          );
          if (result.Failed?.length) log.warn("could not delay some retries", { failed: result.Failed.length });
        } catch (error) {
          // Not fatal: the message comes back after the queue's own visibility timeout instead.
          log.warn("could not delay retries", { reason: error instanceof Error ? error.message : String(error) });
        }
      }
    },
  };
}
