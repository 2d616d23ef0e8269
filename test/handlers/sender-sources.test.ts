import { beforeEach, describe, expect, it } from "vitest";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import type { Destination } from "../../lambdas/core/destination";
import { encodeQueuedEvent } from "../../lambdas/core/queued-event";
import type { TikTokEvent } from "../../lambdas/core/schema";
import { takeAll } from "../support/queues";
import { failures, NOW, PIXEL, receiveBatch, senderFor, useSenderFixture } from "../support/sender-harness";
import { strict } from "../support/strict-tiktok";

// The sender with offline and CRM destinations, over real HTTP to a fake TikTok that refuses what TikTok would
// (test/support/strict-tiktok.ts): one request per destination, the exact bytes TikTok receives, and each
// source's own age limit when an event waited in the queue.

const fixture = useSenderFixture();
const sender = () => senderFor(fixture.queues, fixture.tiktok);
beforeEach(() => fixture.tiktok.reset(strict()));

const OFFLINE: Destination = { source: "offline", id: "7301234567890123456" };
const CRM: Destination = { source: "crm", id: "7309876543210987654", testEventCode: "TEST77" };
const HASH = "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f";
const message = (destination: Destination, event: TikTokEvent) => encodeQueuedEvent({ destination, event });

describe("sender: offline and CRM destinations", () => {
  it("sends each destination its own request, byte for byte, and TikTok's strict checks pass", async () => {
    const sale: TikTokEvent = {
      event: "Purchase",
      event_time: NOW - 20 * 86_400,
      event_id: "pos-1",
      user: { email: HASH, external_id: [HASH] },
      properties: {
        currency: "EUR",
        value: 19.9,
        order_id: "90001",
        contents: [{ content_id: "SKU-1", quantity: 1 }],
        content_type: "product",
      },
    };
    const lead: TikTokEvent = {
      event: "Lead",
      event_time: NOW - 3 * 86_400,
      event_id: "lead-1",
      lead: { lead_id: "7311111111111111111", lead_event_source: "HubSpot" },
      limited_data_use: true,
    };
    const web: TikTokEvent = { event: "AddToCart", event_time: NOW - 60, event_id: "web-1" };
    const response = await sender()(
      await receiveBatch(fixture.queues, [message(OFFLINE, sale), message(CRM, lead), message({ source: "web", id: PIXEL }, web)]),
    );

    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.requests.map((request) => request.raw)).toEqual([
      '{"event_source":"offline","event_source_id":"7301234567890123456","data":[{"event":"Purchase",' +
        `"event_time":${NOW - 20 * 86_400},"event_id":"pos-1","user":{"email":"${HASH}","external_id":["${HASH}"]},` +
        '"properties":{"currency":"EUR","value":19.9,"order_id":"90001","contents":[{"content_id":"SKU-1","quantity":1}],' +
        '"content_type":"product"}}]}',
      '{"event_source":"crm","event_source_id":"7309876543210987654","test_event_code":"TEST77","data":[{"event":"Lead",' +
        `"event_time":${NOW - 3 * 86_400},"event_id":"lead-1",` +
        '"lead":{"lead_id":"7311111111111111111","lead_event_source":"HubSpot"},"limited_data_use":true}]}',
      `{"event_source":"web","event_source_id":"${PIXEL}","data":[{"event":"AddToCart","event_time":${NOW - 60},"event_id":"web-1"}]}`,
    ]);
    expect(fixture.tiktok.deliveredIds().sort()).toEqual(["lead-1", "pos-1", "web-1"]);
  });

  it("dead-letters by each source's own age: 10 days is too old for web, not for offline or CRM; 29 days is for all", async () => {
    const at = (days: number, id: string): TikTokEvent => ({
      event: "Purchase",
      event_time: NOW - days * 86_400,
      event_id: id,
      user: { email: HASH },
    });
    const crmAt = (days: number, id: string): TikTokEvent => ({ ...at(days, id), lead: { lead_id: "1" } });
    const batch = await receiveBatch(fixture.queues, [
      message({ source: "web", id: PIXEL }, at(10, "web-10")),
      message(OFFLINE, at(10, "offline-10")),
      message(CRM, crmAt(10, "crm-10")),
      message(OFFLINE, at(29, "offline-29")),
      message(CRM, crmAt(29, "crm-29")),
    ]);
    const response = await sender()(batch);
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.deliveredIds().sort()).toEqual(["crm-10", "offline-10"]);
    const deadLetters = await takeAll(fixture.queues.client, fixture.queues.deadLetterQueueUrl);
    const reasons = Object.fromEntries(
      deadLetters.map((m) => {
        const { reason, detail } = readDeadLetter(m.MessageAttributes);
        return [JSON.parse(m.Body!).event.event_id, [reason, detail]];
      }),
    );
    expect(reasons).toEqual({
      "web-10": ["too_old", expect.stringContaining("older than 7 days")],
      "offline-29": ["too_old", expect.stringContaining("older than 28 days")],
      "crm-29": ["too_old", expect.stringContaining("older than 28 days")],
    });
  });

  it("a CRM event without its lead is refused by TikTok (40002) and dead-lettered alone; the rest is delivered", async () => {
    const good: TikTokEvent = { event: "Lead", event_time: NOW - 60, event_id: "good", lead: { lead_id: "1" } };
    const bad: TikTokEvent = { event: "Lead", event_time: NOW - 60, event_id: "bad" };
    const response = await sender()(await receiveBatch(fixture.queues, [message(CRM, good), message(CRM, bad)]));
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.deliveredIds()).toEqual(["good"]);
    expect(fixture.tiktok.requests.at(-1)!.raw).toContain('"event_id":"bad"');
  });
});
