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
