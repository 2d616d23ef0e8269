// The port through which the sender acts on messages besides acknowledging them (the SQS adapter is
// lambdas/aws/sqs-sender-queue.ts).

/** A message for the DLQ: the body exactly as queued, and the attributes that say why (dead-letter.ts). */
export interface DeadLetterMessage {
  /** The message's id, returned when the move fails. */
  id: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue: string }>;
}

export interface SenderQueue {
  /** Puts messages (bodies unchanged, reason attributes added) in the DLQ; returns the ids that failed. */
  deadLetter(messages: DeadLetterMessage[]): Promise<string[]>;
  /** Sets when each failed message may be received again. */
  delay(entries: { receiptHandle: string; seconds: number }[]): Promise<void>;
}
