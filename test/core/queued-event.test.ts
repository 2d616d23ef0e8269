import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SQS_BATCH_BYTES } from "../../lambdas/aws/sqs-batches";
import { entryBytes } from "../../lambdas/aws/sqs-event-queue";
import { deliveryKey } from "../../lambdas/core/delivery-key";
import { type Destination, webDestination } from "../../lambdas/core/destination";
import { exceedsQueueEntryLimit, MAX_QUEUE_ENTRY_BYTES, queueEntry, queueEntryBytes } from "../../lambdas/core/event-queue";
import { encodeQueuedEvent, parseQueuedEvent } from "../../lambdas/core/queued-event";
import type { TikTokEvent } from "../../lambdas/core/schema";

const event: TikTokEvent = { event: "Purchase", event_time: 1_767_225_600, event_id: "order-1" };
const PIXEL = "C4PIXEL0000000000001";

describe("queue message format", () => {
  it("today's format names the destination; a test code sits inside it", () => {
    expect(JSON.parse(encodeQueuedEvent({ destination: webDestination(PIXEL), event }))).toEqual({
      destination: { source: "web", id: PIXEL },
      event,
    });
    expect(JSON.parse(encodeQueuedEvent({ destination: webDestination(PIXEL, "TEST1"), event }))).toEqual({
      destination: { source: "web", id: PIXEL, test_event_code: "TEST1" },
      event,
    });
  });

  it.each<Destination>([
    { source: "web", id: PIXEL },
    { source: "offline", id: "7300000000000000001", testEventCode: "T2" },
    { source: "crm", id: "7300000000000000002" },
  ])("reads back what it wrote: %o", (destination) => {
    expect(parseQueuedEvent(encodeQueuedEvent({ destination, event }))).toEqual({ destination, event });
  });

  it("still reads the earlier format, which the DLQ keeps for 14 days, as a web pixel", () => {
    expect(parseQueuedEvent(JSON.stringify({ pixel_code: PIXEL, test_event_code: "T", event }))).toEqual({
      destination: webDestination(PIXEL, "T"),
      event,
    });
    expect(parseQueuedEvent(JSON.stringify({ pixel_code: PIXEL, event }))).toEqual({ destination: webDestination(PIXEL), event });
  });

  it.each([
    ["not JSON", "{"],
    ["no destination", JSON.stringify({ event })],
    ["an unknown source", JSON.stringify({ destination: { source: "app", id: "x" }, event })],
    ["an empty id", JSON.stringify({ destination: { source: "web", id: "" }, event })],
    ["no event_id", JSON.stringify({ destination: { source: "web", id: PIXEL }, event: { event: "Lead", event_time: 1 } })],
    ["a fractional event_time", JSON.stringify({ pixel_code: PIXEL, event: { ...event, event_time: 1.5 } })],
    ["null", "null"],
  ])("refuses %s", (_name, body) => {
    expect(parseQueuedEvent(body)).toBeUndefined();
  });

  it("keeps SQS's forbidden U+FFFE/U+FFFF out of the body, escaped so the event reads back intact", () => {
    const odd = { ...event, event: "Lead\ufffe\uffff" };
    const body = encodeQueuedEvent({ destination: webDestination(PIXEL), event: odd });
    expect(body).not.toMatch(/[\ufffe\uffff]/);
    expect(parseQueuedEvent(body)?.event).toEqual(odd);
  });
});

describe("the queue port's size rule", () => {
  it("is SQS's own count and limit", () => {
    const entry = queueEntry(
      { ...event, event: "CompletePayment", properties: { description: "é".repeat(300) } },
      webDestination(PIXEL, "T"),
    );
    expect(queueEntryBytes(entry)).toBe(entryBytes(entry));
    expect(MAX_QUEUE_ENTRY_BYTES).toBe(SQS_BATCH_BYTES);
  });
});

describe("deliveryKey", () => {
  it("is one identity per destination, test code, event name and event_id", () => {
    const keys = new Set([
      deliveryKey(webDestination(PIXEL), event),
      deliveryKey(webDestination(PIXEL, "T"), event),
      deliveryKey(webDestination("C4PIXEL0000000000002"), event),
      deliveryKey({ source: "offline", id: PIXEL }, event),
      deliveryKey(webDestination(PIXEL), { ...event, event: "Lead" }),
      deliveryKey(webDestination(PIXEL), { ...event, event_id: "order-2" }),
    ]);
    expect(keys.size).toBe(6);
    const later: TikTokEvent = { ...event, event_time: 5 };
    expect(deliveryKey(webDestination(PIXEL), later)).toBe(deliveryKey(webDestination(PIXEL), event));
  });
});

describe("queue message bytes", () => {
  /** The body as it was written before the destination's JSON was kept between events. */
  const reference = ({ destination, event }: { destination: Destination; event: TikTokEvent }) =>
    JSON.stringify({
      destination: {
        source: destination.source,
        id: destination.id,
        ...(destination.testEventCode ? { test_event_code: destination.testEventCode } : {}),
        ...(destination.tenant !== undefined ? { tenant: destination.tenant } : {}),
      },
      event,
    }).replace(/[\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

  const destination: fc.Arbitrary<Destination> = fc.record(
    {
      source: fc.constantFrom("web" as const, "offline" as const, "crm" as const),
      id: fc.constantFrom(PIXEL, "OTHERPIXEL0001", "7300000000000000001"),
      testEventCode: fc.constantFrom(undefined, "", "TEST1", "T\uffff", 'T\ufffe"x'),
      tenant: fc.constantFrom(undefined, "", "shop-a", "shop-b"),
    },
    { requiredKeys: ["source", "id"] },
  );
  const tiktokEvent = fc.record({
    event: fc.constantFrom("Purchase", "Lead\uffff"),
    event_time: fc.integer({ min: 0, max: 2_000_000_000 }),
    event_id: fc.string({ unit: "binary", maxLength: 12 }),
  });

  it("are what JSON.stringify of the message made, whatever the order of destinations", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(destination, tiktokEvent), { maxLength: 8 }), (messages) => {
        for (const [destination, event] of messages) {
          expect(encodeQueuedEvent({ destination, event })).toBe(reference({ destination, event }));
          // A destination changed after it was encoded is not answered from what was kept.
          destination.tenant = "changed";
          expect(encodeQueuedEvent({ destination, event })).toBe(reference({ destination, event }));
        }
      }),
      { numRuns: 1000, seed: 20261203 },
    );
  });
});

describe("exceedsQueueEntryLimit", () => {
  it("says what counting the bytes says, near the limit and in every width of UTF-8", () => {
    const piece = fc.constantFrom("a", "é", "€", "😀", "\ud800");
    fc.assert(
      fc.property(piece, fc.integer({ min: -40, max: 40 }), fc.constantFrom(1, 2, 3, 4), (char, offset, divisor) => {
        const bytes = Buffer.byteLength(char);
        const count = Math.max(0, Math.floor(MAX_QUEUE_ENTRY_BYTES / (bytes * divisor)) + offset);
        const entry = { id: "e", body: char.repeat(count), eventName: "Purchase" };
        expect(exceedsQueueEntryLimit(entry)).toBe(queueEntryBytes(entry) > MAX_QUEUE_ENTRY_BYTES);
      }),
      { numRuns: 1000, seed: 20261203 },
    );
  });
});
