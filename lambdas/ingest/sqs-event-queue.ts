import type { SQSClient } from "@aws-sdk/client-sqs";
import { messageBytes, sendInBatches, type OutgoingMessage } from "../aws/sqs-batches";
import type { EventQueue, QueueEntry } from "./event-queue";

export { SQS_BATCH_BYTES } from "../aws/sqs-batches";

// The event name travels as a message attribute so that the DLQ tools can filter without parsing bodies.
function toMessage(entry: QueueEntry): OutgoingMessage {
  return { id: entry.id, body: entry.body, attributes: { event_name: { DataType: "String", StringValue: entry.eventName } } };
}

export function entryBytes(entry: QueueEntry): number {
  return messageBytes(toMessage(entry));
}

export function sqsEventQueue(client: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(entries) {
      return { failedIds: await sendInBatches(client, queueUrl, entries.map(toMessage)) };
    },
  };
}
