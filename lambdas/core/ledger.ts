// The delivery ledger: what TikTok has accepted, remembered so that a redelivered SQS message, a redrive or
// a retry after a partial failure never sends a conversion twice. TikTok itself deduplicates a repeated
// (pixel, event, event_id) only within 48 hours; SQS redelivers for 4 days and a DLQ redrive can come 14
// days later. This file is the port the sender needs, with no AWS import; lambdas/aws/dynamodb-ledger.ts
// is the adapter, and memoryLedger below is the reference behaviour the adapter's tests hold it to.

import type { LedgerScope } from "../contract/ledger";
import { INTEGER_SETTINGS } from "../contract/settings";

export type { LedgerScope };

/** Events whose double count hurts: they carry a value or are counted as results. */
export const CONVERSION_EVENTS: ReadonlySet<string> = new Set([
  "Purchase",
  "CompletePayment",
  "PlaceAnOrder",
  "Subscribe",
  "StartTrial",
  "Lead",
  "SubmitForm",
  "CompleteRegistration",
  "SubmitApplication",
  "ApplicationApproval",
]);

/**
 * Each lookup and record costs DynamoDB reads and writes, so the default scope is what double counting
 * hurts; "all" also covers page views and add-to-carts, "off" trusts TikTok's 48-hour deduplication alone.
 */
export function inLedgerScope(scope: LedgerScope, eventName: string): boolean {
  return scope === "all" || (scope === "conversions" && CONVERSION_EVENTS.has(eventName));
}

/**
 * Retention of a record. It must be at least MAX_EVENT_AGE_DAYS (7 by default): the sender refuses an
 * event older than that, so no re-send can come later than that many days after the first delivery. The
 * longer default keeps `npm run trace` answering for a month, for cents of storage.
 */
export const DEFAULT_LEDGER_RETENTION_DAYS = INTEGER_SETTINGS.ledgerDays.default;

export interface DeliveryKey {
  /** Where the event went: `${source}:${sourceId}`, e.g. "web:C4PIXEL0000000000001". Never holds "#". */
  destination: string;
  /** The TikTok event name, e.g. "Purchase". */
  event: string;
  eventId: string;
}

export interface DeliveryRecord {
  key: DeliveryKey;
  /** Unix seconds when TikTok accepted it. */
  deliveredAt: number;
  /** TikTok's request_id of the accepting response, to quote to TikTok support. */
  requestId?: string;
  /** Receives of the SQS message, including the one that delivered it. */
  attempts: number;
}

export interface DeliveryLedger {
  /** Records held (and not expired) for these keys, by deliveryKeyString. Throws LedgerUnavailableError when the store cannot answer. */
  lookup(keys: DeliveryKey[]): Promise<Map<string, DeliveryRecord>>;
  /** Records deliveries; returns the keys that could not be recorded (never throws for partial failure). */
  record(records: DeliveryRecord[]): Promise<DeliveryKey[]>;
  /** Every unexpired record for one event_id, any destination and event name (for `npm run trace`). */
  findByEventId(eventId: string): Promise<DeliveryRecord[]>;
}

/**
 * The store could not say what was delivered. The caller decides: the sender retries the messages later
 * rather than risk a double count (or sends anyway, if its owner prefers a duplicate to a delay).
 */
export class LedgerUnavailableError extends Error {
  override name = "LedgerUnavailableError";
}

/** Stable and unambiguous for any strings (a JSON array: no separator can be faked by a name). */
export function deliveryKeyString(key: DeliveryKey): string {
  return JSON.stringify([key.destination, key.event, key.eventId]);
}

/** DynamoDB's key limits: an empty or oversized key is refused, and would fail a whole batch with it. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/**
 * Whether a key can be stored at all. Every ledger refuses the same keys, so the memory ledger behaves as
 * the DynamoDB one does: such a key is never found, and recording it fails.
 */
export function storableKey(key: DeliveryKey): boolean {
  const target = `${key.destination}#${key.event}`;
  return (
    key.eventId.length > 0 &&
    key.destination.length > 0 &&
    key.event.length > 0 &&
    !key.destination.includes("#") &&
    Buffer.byteLength(key.eventId) <= MAX_PARTITION_KEY_BYTES &&
    Buffer.byteLength(target) <= MAX_SORT_KEY_BYTES
  );
}

/** Unix seconds, the unit of deliveredAt and of DynamoDB's TTL attribute. */
export const unixSeconds = (): number => Math.floor(Date.now() / 1000);

export const DAY_SECONDS = 86_400;

/** In memory, for unit tests and as the reference behaviour: a record expires retentionDays after delivery. */
export function memoryLedger(options: { now?: () => number; retentionDays?: number } = {}): DeliveryLedger {
  const { now = unixSeconds, retentionDays = DEFAULT_LEDGER_RETENTION_DAYS } = options;
  const held = new Map<string, { record: DeliveryRecord; expiresAt: number }>();
  const live = (id: string) => {
    const entry = held.get(id);
    return entry && entry.expiresAt > now() ? entry.record : undefined;
  };
  const copy = (record: DeliveryRecord): DeliveryRecord => ({ ...record, key: { ...record.key } });
  return {
    async lookup(keys) {
      const found = new Map<string, DeliveryRecord>();
      for (const key of keys) {
        const id = deliveryKeyString(key);
        const record = live(id);
        if (record) found.set(id, copy(record));
      }
      return found;
    },
    async record(records) {
      const failed: DeliveryKey[] = [];
      for (const record of records) {
        if (!storableKey(record.key)) failed.push(record.key);
        else
          held.set(deliveryKeyString(record.key), {
            record: copy(record),
            expiresAt: Math.ceil(record.deliveredAt + retentionDays * DAY_SECONDS),
          });
      }
      return failed;
    },
    async findByEventId(eventId) {
      const found = [...held.keys()].flatMap((id) => {
        const record = live(id);
        return record && record.key.eventId === eventId ? [copy(record)] : [];
      });
      // In DynamoDB's order: by the sort key's bytes.
      const target = (record: DeliveryRecord) => Buffer.from(`${record.key.destination}#${record.key.event}`);
      return found.sort((a, b) => Buffer.compare(target(a), target(b)));
    },
  };
}
