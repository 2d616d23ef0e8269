import type { SQSClient } from "@aws-sdk/client-sqs";
import { EVENT_NAME_ATTRIBUTE, type EventQueue, type QueueEntry } from "../core/event-queue";
import { messageBytes, type OutgoingMessage, sendInBatches } from "./sqs-batches";

// The events queue port (lambdas/core/event-queue.ts) on SQS. The event name travels as a message attribute
// so that the DLQ tools can filter without parsing bodies.

function toMessage(entry: QueueEntry): OutgoingMessage {
  return { id: entry.id, body: entry.body, attributes: { [EVENT_NAME_ATTRIBUTE]: { DataType: "String", StringValue: entry.eventName } } };
}

/**
 * SQS's own count of an entry's bytes. The port's queueEntryBytes and MAX_QUEUE_ENTRY_BYTES must agree with
 * it and with SQS_BATCH_BYTES: a test checks both.
 */
export function entryBytes(entry: QueueEntry): number {
  return messageBytes(toMessage(entry));
}

export function sqsEventQueue(client: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(entries, options) {
      return { failedIds: await sendInBatches(client, queueUrl, entries.map(toMessage), options) };
    },
  };
}
