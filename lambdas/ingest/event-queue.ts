import type { QueuedEvent, TikTokEvent } from "../core/schema";

/** Where accepted events go: the SQS events queue in AWS and locally. */
export interface QueueEntry {
  /** The event_id: it names the entry in errors and responses. */
  id: string;
  body: string;
  eventName: string;
}

export interface EventQueue {
  /** Sends every entry; returns the ids that could not be enqueued after retries. */
  send(entries: QueueEntry[]): Promise<{ failedIds: string[] }>;
}

/** The queue message for one prepared event: the event and where it goes, never a raw identifier. */
export function queueEntry(event: TikTokEvent, pixelCode: string, testEventCode?: string): QueueEntry {
  const queued: QueuedEvent = testEventCode ? { pixel_code: pixelCode, test_event_code: testEventCode, event } : { pixel_code: pixelCode, event };
  // SQS refuses a body holding U+FFFE or U+FFFF (JSON.stringify already escapes controls and lone surrogates).
  return { id: event.event_id, body: JSON.stringify(queued).replace(/[\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`), eventName: event.event };
}
