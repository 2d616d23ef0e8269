import type { Destination } from "./destination";
import { encodeQueuedEvent } from "./queued-event";
import type { TikTokEvent } from "./schema";

// The port through which accepted events leave a handler: the SQS events queue in AWS and locally
// (lambdas/aws/sqs-event-queue.ts). Handlers know only this.

/** Where accepted events go. */
export interface QueueEntry {
  /** The event_id: it names the entry in errors and responses. */
  id: string;
  body: string;
  eventName: string;
}

export interface SendOptions {
  /** Epoch ms: what is not confirmed by then counts as failed (it may still arrive; re-sending an event_id is safe). */
  deadline?: number;
}

export interface EventQueue {
  /** Sends every entry; returns the ids that could not be enqueued after retries, or by the deadline. */
  send(entries: QueueEntry[], options?: SendOptions): Promise<{ failedIds: string[] }>;
}

/** The message attribute that carries the event name, so the DLQ tools filter without parsing bodies. */
export const EVENT_NAME_ATTRIBUTE = "event_name";

/** Largest entry the queue takes: SQS's 256 KiB for a message (and for one batch of messages). */
export const MAX_QUEUE_ENTRY_BYTES = 256 * 1024;

/** What an entry weighs against that limit: the body, plus the event-name attribute's name, type and value. */
export function queueEntryBytes(entry: QueueEntry): number {
  return (
    Buffer.byteLength(entry.body) +
    Buffer.byteLength(EVENT_NAME_ATTRIBUTE) +
    Buffer.byteLength("String") +
    Buffer.byteLength(entry.eventName)
  );
}

/**
 * Whether an entry is larger than the queue takes. A UTF-16 unit is at most 3 bytes of UTF-8, so most entries are
 * known to fit from their length: counting the bytes first copied every body of a request into one string.
 */
export function exceedsQueueEntryLimit(entry: QueueEntry): boolean {
  const most = (entry.body.length + entry.eventName.length) * 3 + EVENT_NAME_ATTRIBUTE.length + "String".length;
  return most > MAX_QUEUE_ENTRY_BYTES && queueEntryBytes(entry) > MAX_QUEUE_ENTRY_BYTES;
}

/** The queue entry for one prepared event: the event and where it goes, never a raw identifier. */
export function queueEntry(event: TikTokEvent, destination: Destination): QueueEntry {
  return { id: event.event_id, body: encodeQueuedEvent({ destination, event }), eventName: event.event };
}
