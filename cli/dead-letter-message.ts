import type { Message } from "@aws-sdk/client-sqs";
import { type DeadLetterInfo, readDeadLetter } from "../lambdas/core/dead-letter";
import { parseQueuedEvent } from "../lambdas/core/queued-event";

// What the DLQ commands know about one dead-lettered message. The sender's attributes say why it failed;
// a message SQS moved by itself has none, so its event name and id are read from the body (never printed).

export interface DeadLetterMessage extends DeadLetterInfo {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** When it failed (failed_at), else when it was sent; undefined when neither is known. */
  failedAtMs?: number;
}

export function describeMessage(message: Message): DeadLetterMessage {
  const info = readDeadLetter(message.MessageAttributes);
  const body = message.Body ?? "";
  const event = eventOf(body);
  const failedAt = info.failedAt === undefined ? NaN : Date.parse(info.failedAt);
  const sentAt = Number(message.Attributes?.SentTimestamp);
  // A message SQS moved by itself has no tenant attribute: its body still says whose event it is.
  const tenant = info.tenant ?? parseQueuedEvent(body)?.destination.tenant;
  return {
    ...info,
    ...(tenant !== undefined ? { tenant } : {}),
    eventName: info.eventName ?? event.name,
    eventId: info.eventId ?? event.id,
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body,
    failedAtMs: Number.isFinite(failedAt) ? failedAt : Number.isFinite(sentAt) && sentAt > 0 ? sentAt : undefined,
  };
}

function eventOf(body: string): { name?: string; id?: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    const event = (parsed as { event?: { event?: unknown; event_id?: unknown } } | null)?.event;
    return {
      name: typeof event?.event === "string" ? event.event : undefined,
      id: typeof event?.event_id === "string" ? event.event_id : undefined,
    };
  } catch {
    return {};
  }
}
