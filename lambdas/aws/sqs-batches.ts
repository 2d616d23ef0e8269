import { type MessageAttributeValue, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";

// SendMessageBatch takes at most 10 entries and 256 KiB in all. Entries that fail are retried a few times
// with backoff (the SDK already retries whole-call throttles); what still fails is returned, never dropped.

export const SQS_BATCH_ENTRIES = 10;
export const SQS_BATCH_BYTES = 256 * 1024;
const ATTEMPTS = 3;
const PARALLEL_BATCHES = 8;

export interface OutgoingMessage {
  /** The caller's name for the message (an event_id, an SQS message id): returned when it fails. */
  id: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
}

/** What SQS counts against its size limits: the body plus each attribute's name, type and value. */
export function messageBytes(message: OutgoingMessage): number {
  let bytes = Buffer.byteLength(message.body);
  for (const [name, value] of Object.entries(message.attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "") + Buffer.byteLength(value.StringValue ?? "");
  }
  return bytes;
}

/** SQS refuses a message whose text holds any other character (a control, a lone surrogate, U+FFFE/U+FFFF). */
const NOT_SQS_TEXT = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Attribute values carry callers' and TikTok's text (event names, ids, messages): made acceptable to SQS. */
function sqsSafe(attributes: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
  const entries = Object.entries(attributes).map(([name, value]) => [
    name,
    value.StringValue === undefined ? value : { ...value, StringValue: value.StringValue.replace(NOT_SQS_TEXT, "\uFFFD") },
  ]);
  return Object.fromEntries(entries) as Record<string, MessageAttributeValue>;
}

export interface SendInBatchesOptions {
  /**
   * Epoch ms. No batch starts after it, and a call still under way is abandoned at it: its messages count as
   * not sent, though SQS may have taken them (re-sending an event_id is safe: TikTok deduplicates it).
   */
  deadline?: number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends every message; returns the ids that could not be sent after retries, or by the deadline. */
export async function sendInBatches(
  client: SQSClient,
  queueUrl: string,
  messages: OutgoingMessage[],
  options: SendInBatchesOptions = {},
): Promise<string[]> {
  const { deadline, sleep = pause } = options;
  const timeLeft = () => (deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now());
  const sendBatch = async (batch: OutgoingMessage[]): Promise<OutgoingMessage[]> => {
    if (timeLeft() <= 0) return batch;
    try {
      const result = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, i) => ({
            Id: String(i),
            MessageBody: message.body,
            MessageAttributes: sqsSafe(message.attributes),
          })),
        }),
        deadline === undefined ? {} : { abortSignal: AbortSignal.timeout(Math.max(1, timeLeft())) },
      );
      return (result.Failed ?? []).map((failure) => batch[Number(failure.Id)]!).filter(Boolean);
    } catch {
      return batch;
    }
  };
  let pending = messages;
  for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) {
      const backoff = 100 * 4 ** (attempt - 2);
      if (backoff >= timeLeft()) break;
      await sleep(backoff);
    }
    const batches = packBatches(pending);
    const failed: OutgoingMessage[] = [];
    for (let start = 0; start < batches.length; start += PARALLEL_BATCHES) {
      const results = await Promise.all(batches.slice(start, start + PARALLEL_BATCHES).map(sendBatch));
      for (const list of results) failed.push(...list);
    }
    pending = failed;
  }
  return pending.map((message) => message.id);
}

/** Packs messages, in order, into as few batches as the entry and byte limits allow. */
export function packBatches(messages: OutgoingMessage[]): OutgoingMessage[][] {
  const batches: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (current.length === SQS_BATCH_ENTRIES || (current.length > 0 && bytes + size > SQS_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
