// What a dead-lettered message says about itself. The body is the queued event exactly as it was, so a
// redrive puts it back unchanged; these message attributes say why it is there. None holds a raw identifier.

export const DLQ_ATTRIBUTES = {
  /** Short code: a TikTok code ("40002"), "too_old", "malformed", "token_unavailable", "http_503", "timeout", "network". */
  reason: "reason",
  /** TikTok's message, or ours: what a person reads to decide whether to redrive. */
  detail: "reason_detail",
  /** ISO-8601 time the sender gave up on the message. */
  failedAt: "failed_at",
  eventName: "event_name",
  eventId: "event_id",
  /** How many times the message had been received when it was dead-lettered. */
  attempts: "attempts",
  /** The tenant whose event it is (unset for the single-shop relay): `npm run dlq -- --tenant NAME`. */
  tenant: "tenant",
} as const;

/** Messages SQS moved itself (after maxReceiveCount, e.g. when the sender crashed) carry no reason. */
export const UNKNOWN_REASON = "unknown";

export interface DeadLetterInfo {
  reason: string;
  detail: string;
  failedAt?: string;
  eventName?: string;
  eventId?: string;
  attempts?: number;
  tenant?: string;
}

type Attributes = Record<string, { StringValue?: string; stringValue?: string } | undefined>;

/** Reads the attributes of a DLQ message, from the SDK (StringValue) or a Lambda event (stringValue). */
export function readDeadLetter(attributes: Attributes | undefined): DeadLetterInfo {
  const get = (name: string) => attributes?.[name]?.StringValue ?? attributes?.[name]?.stringValue;
  const attempts = get(DLQ_ATTRIBUTES.attempts);
  return {
    reason: get(DLQ_ATTRIBUTES.reason) ?? UNKNOWN_REASON,
    detail: get(DLQ_ATTRIBUTES.detail) ?? "moved by SQS after maxReceiveCount receives, without a reason from the sender",
    failedAt: get(DLQ_ATTRIBUTES.failedAt),
    eventName: get(DLQ_ATTRIBUTES.eventName),
    eventId: get(DLQ_ATTRIBUTES.eventId),
    attempts: attempts === undefined ? undefined : Number(attempts),
    ...(get(DLQ_ATTRIBUTES.tenant) ? { tenant: get(DLQ_ATTRIBUTES.tenant) } : {}),
  };
}

/** SQS message attributes for a dead-lettered message. */
export function deadLetterAttributes(info: DeadLetterInfo): Record<string, { DataType: string; StringValue: string }> {
  const out: Record<string, { DataType: string; StringValue: string }> = {
    [DLQ_ATTRIBUTES.reason]: { DataType: "String", StringValue: info.reason },
    // SQS attribute values are limited in size; TikTok's messages are short, but never trust that.
    [DLQ_ATTRIBUTES.detail]: { DataType: "String", StringValue: info.detail.slice(0, 1000) || "-" },
    [DLQ_ATTRIBUTES.failedAt]: { DataType: "String", StringValue: info.failedAt ?? new Date().toISOString() },
  };
  if (info.eventName) out[DLQ_ATTRIBUTES.eventName] = { DataType: "String", StringValue: info.eventName };
  if (info.eventId) out[DLQ_ATTRIBUTES.eventId] = { DataType: "String", StringValue: info.eventId };
  if (info.tenant) out[DLQ_ATTRIBUTES.tenant] = { DataType: "String", StringValue: info.tenant };
  if (info.attempts !== undefined) out[DLQ_ATTRIBUTES.attempts] = { DataType: "Number", StringValue: String(info.attempts) };
  return out;
}
