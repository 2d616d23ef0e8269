import { type Destination, ledgerDestinationLabel } from "./destination";
import { type DeliveryKey, type DeliveryLedger, deliveryKeyString, inLedgerScope, type LedgerScope } from "./ledger";
import type { Log } from "./log";
import type { QueuedEvent } from "./queued-event";

// How the handlers use the delivery ledger: which events it guards (the scope; never test events, which
// TikTok does not count), what to do when it cannot answer, and what to record. Shared by the sender (skip
// what was delivered, record what TikTok accepts) and the WooCommerce webhook (answer "already sent").
//
// When the ledger cannot be read, events are sent anyway: a delivery now is worth more than a duplicate that
// TikTok's own 48-hour deduplication drops in all but the rarest case (a re-send more than 48 h after the
// first delivery, during a ledger outage). Every such failure is counted and raises an alarm.

export class LedgerGuard {
  constructor(
    private readonly ledger: DeliveryLedger,
    private readonly scope: LedgerScope,
    private readonly log: Log,
    /** Told about each failure to read or write the ledger (a metric in AWS). */
    private readonly onError: (count: number) => void = () => {},
  ) {}

  /** The ledger's key for an event, or undefined when the ledger does not guard it. */
  keyOf(destination: Destination, event: { event: string; event_id: string }): DeliveryKey | undefined {
    if (destination.testEventCode || !inLedgerScope(this.scope, event.event)) return undefined;
    return { destination: ledgerDestinationLabel(destination), event: event.event, eventId: event.event_id };
  }

  /** The items TikTok already accepted, with when; empty when the ledger cannot answer (sent anyway). */
  async held<K>(items: { key: K; queued: QueuedEvent }[]): Promise<Map<K, number>> {
    const guarded = items.flatMap(({ key, queued }) => {
      const ledgerKey = this.keyOf(queued.destination, queued.event);
      return ledgerKey ? [{ key, ledgerKey }] : [];
    });
    const held = new Map<K, number>();
    if (guarded.length === 0) return held;
    try {
      const found = await this.ledger.lookup(guarded.map((item) => item.ledgerKey));
      for (const { key, ledgerKey } of guarded) {
        const record = found.get(deliveryKeyString(ledgerKey));
        if (record) held.set(key, record.deliveredAt);
      }
    } catch (error) {
      this.log.error("delivery ledger unreadable: sending without it (TikTok still deduplicates within 48 h)", {
        events: guarded.length,
        reason: error instanceof Error ? error.message : String(error),
      });
      this.onError(guarded.length);
    }
    return held;
  }

  /** Records what TikTok accepted; a failure is logged and counted, never thrown: the events were delivered. */
  async record(delivered: { queued: QueuedEvent; attempts: number; requestId?: string }[], deliveredAt: number): Promise<void> {
    const records = delivered.flatMap(({ queued, attempts, requestId }) => {
      const key = this.keyOf(queued.destination, queued.event);
      return key ? [{ key, deliveredAt, attempts, ...(requestId ? { requestId } : {}) }] : [];
    });
    if (records.length === 0) return;
    let failed: DeliveryKey[];
    try {
      failed = await this.ledger.record(records);
    } catch (error) {
      failed = records.map((record) => record.key);
      this.log.error("delivery ledger write failed", { reason: error instanceof Error ? error.message : String(error) });
    }
    if (failed.length > 0) {
      this.log.error("delivered events could not be recorded in the delivery ledger; a re-send after 48 h would count twice", {
        events: failed.length,
        eventIds: failed.slice(0, 20).map((key) => key.eventId),
      });
      this.onError(failed.length);
    }
  }
}
