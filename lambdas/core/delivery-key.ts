import { type Destination, destinationKey } from "./destination";

/**
 * An event's identity at TikTok: the destination (event source, its id, the test code), the event name and
 * the event_id. TikTok deduplicates on it (within 48 hours); the sender sends each identity once per batch.
 */
export function deliveryKey(destination: Destination, event: { event: string; event_id: string }): string {
  return `${destinationKey(destination)}|${JSON.stringify([event.event, event.event_id])}`;
}
