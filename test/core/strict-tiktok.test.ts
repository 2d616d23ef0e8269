import { describe, expect, it } from "vitest";
import type { TikTokEvent } from "../../lambdas/core/schema";
import { buildRequestBody } from "../../lambdas/core/tiktok-request";
import { tiktokRefusals } from "../support/strict-tiktok";

// The strict fake TikTok (test/support/strict-tiktok.ts) must refuse what TikTok refuses, or tests that use it
// prove nothing; and it must take what the relay builds for each source.

const HASH = "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f";
const event = (extra: Partial<TikTokEvent> = {}): TikTokEvent => ({
  event: "Purchase",
  event_time: 1767225600,
  event_id: "e1",
  user: { email: HASH },
  ...extra,
});
const lead = { lead_id: "7311111111111111111", lead_event_source: "HubSpot" };
const messages = (body: unknown) => tiktokRefusals(body).map((refusal) => `${refusal.code} ${refusal.message}`);

describe("the strict fake TikTok", () => {
  it("takes the relay's web, offline and CRM requests", () => {
    expect(messages(buildRequestBody({ source: "web", id: "C4PIXEL0000000000001", testEventCode: "T1" }, [event()]))).toEqual([]);
    expect(messages(buildRequestBody({ source: "offline", id: "7301234567890123456" }, [event()]))).toEqual([]);
    expect(messages(buildRequestBody({ source: "crm", id: "7309876543210987654" }, [event({ event: "Lead", lead })]))).toEqual([]);
  });

  it("refuses a CRM event without lead.lead_id", () => {
    expect(messages(buildRequestBody({ source: "crm", id: "7309876543210987654" }, [event({ event: "Lead" })]))).toEqual([
      "40002 data.0.lead.lead_id: Missing data for required field.",
    ]);
  });

  it("refuses test_event_code inside data[] (it belongs at the top level)", () => {
    const body = { event_source: "offline", event_source_id: "7301234567890123456", data: [{ ...event(), test_event_code: "T1" }] };
    expect(messages(body)).toEqual(["40002 data.0.test_event_code: Unknown field."]);
  });

  it("refuses a numeric content_id with TikTok's own message", () => {
    const body = buildRequestBody({ source: "web", id: "C4PIXEL0000000000001" }, [
      event({ properties: { contents: [{ content_id: 501, quantity: 1 }] } }),
    ]);
    expect(messages(body)).toEqual(["40002 data.0.properties.contents.0.content_id: Not a valid string"]);
  });

  it("refuses lead_id inside user (Segment's offline shape), raw PII, milliseconds, and a custom offline event", () => {
    const body = buildRequestBody({ source: "offline", id: "7301234567890123456" }, [
      event({ user: { email: "john@example.com", lead_id: "1" } }),
      event({ event_time: 1767225600000 }),
      event({ event: "StoreVisit" }),
    ]);
    expect(messages(body)).toEqual([
      "40002 data.0.user.lead_id: Unknown field.",
      "40062 data.0.user.email: PII must be SHA-256 hashed (64 lower-case hex characters).",
      "40002 data.1.event_time: Not a valid UNIX timestamp in seconds.",
      expect.stringMatching(/^40002 data\.2\.event: Offline events must be standard events/),
    ]);
  });

  it("refuses app events (not modelled) and a missing event_source_id", () => {
    expect(messages({ event_source: "app", event_source_id: "", data: [event()] })).toEqual([
      "40002 event_source: app events are not modelled by this fake.",
      "40002 event_source_id: Missing data for required field.",
    ]);
  });
});
