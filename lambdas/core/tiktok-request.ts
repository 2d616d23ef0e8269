import type { QueuedEvent, TikTokEvent } from "./schema";

// One request carries one pixel (event_source_id) and one test code, and at most 1,000 events.
export const MAX_EVENTS_PER_REQUEST = 1000;

export interface TikTokRequestBody {
  event_source: "web";
  event_source_id: string;
  test_event_code?: string;
  data: TikTokEvent[];
}

export interface TikTokRequest<K> {
  body: TikTokRequestBody;
  /** The caller's keys (e.g. SQS message ids) for `body.data`, in the same order. */
  keys: K[];
}

export function buildRequestBody(pixelCode: string, testEventCode: string | undefined, data: TikTokEvent[]): TikTokRequestBody {
  // test_event_code is top level only: inside data[] TikTok answers 40002.
  return testEventCode
    ? { event_source: "web", event_source_id: pixelCode, test_event_code: testEventCode, data }
    : { event_source: "web", event_source_id: pixelCode, data };
}

/** Groups queued events by pixel and test code, in arrival order, then cuts groups into full requests. */
export function buildRequests<K>(items: { key: K; queued: QueuedEvent }[], maxPerRequest = MAX_EVENTS_PER_REQUEST): TikTokRequest<K>[] {
  const groups = new Map<string, { pixel: string; test?: string; items: { key: K; event: TikTokEvent }[] }>();
  for (const { key, queued } of items) {
    const groupKey = JSON.stringify([queued.pixel_code, queued.test_event_code ?? null]);
    let group = groups.get(groupKey);
    if (!group) {
      group = { pixel: queued.pixel_code, test: queued.test_event_code, items: [] };
      groups.set(groupKey, group);
    }
    group.items.push({ key, event: queued.event });
  }
  const requests: TikTokRequest<K>[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.items.length; start += maxPerRequest) {
      const slice = group.items.slice(start, start + maxPerRequest);
      requests.push({
        body: buildRequestBody(group.pixel, group.test, slice.map((item) => item.event)),
        keys: slice.map((item) => item.key),
      });
    }
  }
  return requests;
}
