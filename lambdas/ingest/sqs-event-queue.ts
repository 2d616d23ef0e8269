import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { EventQueue, QueueEntry } from "./event-queue";

// SendMessageBatch takes at most 10 entries and 256 KiB in all. Entries that fail are retried a few
// times with backoff (the SDK already retries whole-call throttles); what still fails is reported so the
// caller can answer 503 naming the events that were not enqueued.

export const SQS_BATCH_ENTRIES = 10;
export const SQS_BATCH_BYTES = 256 * 1024;
const ATTEMPTS = 3;
const PARALLEL_BATCHES = 8;

export function entryBytes(entry: QueueEntry): number {
  return Buffer.byteLength(entry.body) + "event_name".length + "String".length + Buffer.byteLength(entry.eventName);
}

export function sqsEventQueue(client: SQSClient, queueUrl: string, sleep = defaultSleep): EventQueue {
  async function sendBatch(batch: QueueEntry[]): Promise<QueueEntry[]> {
    try {
      const result = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((entry, i) => ({
            Id: String(i),
            MessageBody: entry.body,
            MessageAttributes: { event_name: { DataType: "String", StringValue: entry.eventName } },
          })),
        }),
      );
      return (result.Failed ?? []).map((failure) => batch[Number(failure.Id)]!).filter(Boolean);
    } catch {
      return batch;
    }
  }

  return {
    async send(entries) {
      let pending = entries;
      for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
        if (attempt > 1) await sleep(100 * 4 ** (attempt - 2));
        const batches = packBatches(pending);
        const failed: QueueEntry[] = [];
        for (let start = 0; start < batches.length; start += PARALLEL_BATCHES) {
          const results = await Promise.all(batches.slice(start, start + PARALLEL_BATCHES).map(sendBatch));
          results.forEach((list) => failed.push(...list));
        }
        pending = failed;
      }
      return { failedIds: pending.map((entry) => entry.id) };
    },
  };
}

/** Packs entries, in order, into as few batches as the entry and byte limits allow. */
export function packBatches(entries: QueueEntry[]): QueueEntry[][] {
  const batches: QueueEntry[][] = [];
  let current: QueueEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entryBytes(entry);
    if (current.length === SQS_BATCH_ENTRIES || (current.length > 0 && bytes + size > SQS_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
