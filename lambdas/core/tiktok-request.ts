import { type Destination, destinationKey, type EventSource } from "./destination";
import type { QueuedEvent } from "./queued-event";
import type { TikTokEvent } from "./schema";

// One request carries one destination (event_source + event_source_id) and one test code, and at most
// 1,000 events.
export const MAX_EVENTS_PER_REQUEST = 1000;

export interface TikTokRequestBody {
  event_source: EventSource;
  event_source_id: string;
  test_event_code?: string;
  data: TikTokEvent[];
}

export interface TikTokRequest<K> {
  destination: Destination;
  body: TikTokRequestBody;
  /** The caller's keys (e.g. SQS message ids) for `body.data`, in the same order. */
  keys: K[];
}

export function buildRequestBody(destination: Destination, data: TikTokEvent[]): TikTokRequestBody {
  const { source, id, testEventCode } = destination;
  // test_event_code is top level only: inside data[] TikTok answers 40002.
  return testEventCode
    ? { event_source: source, event_source_id: id, test_event_code: testEventCode, data }
    : { event_source: source, event_source_id: id, data };
}

/** Groups queued events by destination, in arrival order, then cuts groups into full requests. */
export function buildRequests<K>(items: { key: K; queued: QueuedEvent }[], maxPerRequest = MAX_EVENTS_PER_REQUEST): TikTokRequest<K>[] {
  const groups = new Map<string, { destination: Destination; items: { key: K; event: TikTokEvent }[] }>();
  for (const { key, queued } of items) {
    const groupKey = destinationKey(queued.destination);
    let group = groups.get(groupKey);
    if (!group) {
      group = { destination: queued.destination, items: [] };
      groups.set(groupKey, group);
    }
    group.items.push({ key, event: queued.event });
  }
  const requests: TikTokRequest<K>[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.items.length; start += maxPerRequest) {
      const slice = group.items.slice(start, start + maxPerRequest);
      requests.push({
        destination: group.destination,
        body: buildRequestBody(
          group.destination,
          slice.map((item) => item.event),
        ),
        keys: slice.map((item) => item.key),
      });
    }
  }
  return requests;
}
