import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type PrepareOptions, prepareEvent } from "../../lambdas/core/prepare";
import { accepted, rejected } from "../support/prepared";

// Offline and CRM events (TikTok's event_source "offline" and "crm"), and a shopper's consent: validated and
// hashed like web events, with what differs per source (the age limit, the lead, what must identify the person).

const sha = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");
const NOW = 1767225600;
const DAY = 86_400;
const OPTIONS: PrepareOptions = { nowSeconds: NOW, defaultPhoneCountry: "US", maxEventAgeDays: 7, allowCustomEvents: false };
const offline = (extra: Record<string, unknown> = {}) => ({
  event: "Purchase",
  event_id: "pos-1",
  event_time: NOW - 60,
  event_source: "offline",
  user: { email: "shopper@example.com" },
  ...extra,
});
const crm = (extra: Record<string, unknown> = {}) => ({
  event: "Lead",
  event_id: "lead-1",
  event_time: NOW - 60,
  event_source: "crm",
  lead: { lead_id: "7311111111111111111", lead_event_source: "HubSpot" },
  ...extra,
});

describe("offline events", () => {
  it("are hashed like web events; event_source and event_source_id name the destination, never the event", () => {
    const result = accepted(
      prepareEvent(offline({ event_source_id: "7301234567890123456", user: { phone: "+1 650 555 1234", external_id: [7] } }), 0, OPTIONS),
    );
    expect(result.target).toEqual({ source: "offline", id: "7301234567890123456" });
    expect(result.event).toEqual({
      event: "Purchase",
      event_time: NOW - 60,
      event_id: "pos-1",
      user: { phone: sha("+16505551234"), external_id: [sha("7")] },
    });
  });

  it("may be up to OFFLINE_MAX_EVENT_AGE_DAYS (28) old, where a web event may be 7", () => {
    expect(accepted(prepareEvent(offline({ event_time: NOW - 27 * DAY }), 0, OPTIONS)).event.event_time).toBe(NOW - 27 * DAY);
    const tooOld = rejected(prepareEvent(offline({ event_time: NOW - 29 * DAY }), 0, OPTIONS));
    expect(tooOld).toEqual([
      { index: 0, path: "event_time", message: expect.stringMatching(/^is older than 28 days .*\(the limit for offline events\)$/) },
    ]);
    expect(rejected(prepareEvent(offline({ event_time: NOW - 10 * DAY }), 0, { ...OPTIONS, offlineMaxEventAgeDays: 9 }))[0]?.path).toBe(
      "event_time",
    );
    const web = rejected(prepareEvent({ ...offline({ event_time: NOW - 10 * DAY }), event_source: "web" }, 0, OPTIONS));
    expect(web[0]?.message).toMatch(/^is older than 7 days/);
  });

  it("need an e-mail, phone or external_id: TikTok matches offline events by these alone", () => {
    const issues = rejected(prepareEvent(offline({ user: { ip: "203.0.113.9", ttclid: "x" } }), 1, OPTIONS));
    expect(issues).toEqual([
      {
        index: 1,
        path: "user",
        message: "an offline event needs user.email, user.phone or user.external_id: TikTok matches offline events by these alone",
      },
    ]);
    // An e-mail that had to be dropped does not count.
    expect(rejected(prepareEvent(offline({ user: { email: "not an address" } }), 0, OPTIONS))[0]?.path).toBe("user");
  });

  it("must be standard events, even with ALLOW_CUSTOM_EVENTS", () => {
    const issues = rejected(prepareEvent(offline({ event: "StoreVisit" }), 0, { ...OPTIONS, allowCustomEvents: true }));
    expect(issues[0]).toMatchObject({ path: "event", message: expect.stringContaining("offline events must be standard events") });
  });

  it("take the batch's source and event set when they name none", () => {
    const { event_source: _, ...bare } = offline();
    const result = accepted(prepareEvent(bare, 0, { ...OPTIONS, batch: { source: "offline", id: "7301234567890123456" } }));
    expect(result.target).toEqual({ source: "offline", id: "7301234567890123456" });
  });

  it("refuse a pixel_code (a web pixel) and an event set id that is not one", () => {
    expect(rejected(prepareEvent(offline({ pixel_code: "C4PIXEL0000000000001" }), 0, OPTIONS))[0]?.path).toBe("pixel_code");
    expect(rejected(prepareEvent(offline({ event_source_id: "73012-34" }), 0, OPTIONS))[0]?.path).toBe("event_source_id");
  });

  it("carry no lead", () => {
    const issues = rejected(prepareEvent(offline({ lead: { lead_id: "1" } }), 0, OPTIONS));
    expect(issues).toEqual([
      { index: 0, path: "lead", message: 'only CRM events carry a lead: send it with "event_source": "crm" (and a CRM event set id)' },
    ]);
  });
});

describe("CRM events", () => {
  it("carry their lead at the event's top level: lead_id as a string, and the CRM's name", () => {
    const result = accepted(prepareEvent(crm({ user: { email: "lead@example.com" } }), 0, OPTIONS));
    expect(JSON.stringify(result.event)).toBe(
      `{"event":"Lead","event_time":${NOW - 60},"event_id":"lead-1","user":{"email":"${sha("lead@example.com")}"},` +
        '"lead":{"lead_id":"7311111111111111111","lead_event_source":"HubSpot"}}',
    );
    expect(result.target).toEqual({ source: "crm" });
  });

  it("are matched by their lead: a CRM purchase without e-mail, phone or ttclid gets no weak-match warning", () => {
    expect(accepted(prepareEvent(crm({ event: "Purchase" }), 0, OPTIONS)).warnings).toEqual([]);
  });

  it("take a numeric lead_id up to 2^53 and send it as a string; a larger one must be a string", () => {
    expect(accepted(prepareEvent(crm({ lead: { lead_id: 12345 } }), 0, OPTIONS)).event.lead).toEqual({ lead_id: "12345" });
    // biome-ignore lint/correctness/noPrecisionLoss: the point: a number JSON cannot carry exactly.
    const issues = rejected(prepareEvent(crm({ lead: { lead_id: 7311111111111111111 } }), 0, OPTIONS));
    expect(issues[0]).toMatchObject({ path: "lead.lead_id", message: expect.stringContaining("send it as a string") });
  });

  it("need lead.lead_id, named in the issue with where it comes from", () => {
    for (const lead of [undefined, { lead_id: "  " }]) {
      expect(rejected(prepareEvent(crm({ lead }), 3, OPTIONS))).toEqual([
        {
          index: 3,
          path: "lead.lead_id",
          message: "is required for CRM events: the id TikTok gave the lead (TikTok lead forms, Leads Center)",
        },
      ]);
    }
    expect(rejected(prepareEvent(crm({ lead: { lead_event_source: "HubSpot" } }), 0, OPTIONS))[0]?.path).toBe("lead.lead_id");
    expect(rejected(prepareEvent(crm({ lead: { lead_id: "1", stage: "won" } }), 0, OPTIONS))[0]?.path).toBe("lead.stage");
  });

  it("may be up to CRM_MAX_EVENT_AGE_DAYS (28) old", () => {
    expect(accepted(prepareEvent(crm({ event_time: NOW - 20 * DAY }), 0, OPTIONS)).event.event_time).toBe(NOW - 20 * DAY);
    expect(rejected(prepareEvent(crm({ event_time: NOW - 20 * DAY }), 0, { ...OPTIONS, crmMaxEventAgeDays: 14 }))[0]?.message).toMatch(
      /^is older than 14 days .*\(the limit for crm events\)$/,
    );
  });
});

describe("consent", () => {
  it('"denied": the event is dropped before anything of it is prepared, with a warning at consent', () => {
    const result = prepareEvent(offline({ consent: "denied", event: "Purchse", event_time: 0 }), 5, OPTIONS);
    expect(result).toEqual({
      ok: true,
      dropped: "consent_denied",
      warnings: [
        {
          index: 5,
          path: "consent",
          message: "not sent: the shopper denied consent, so the relay dropped this event (nothing of it was queued or sent to TikTok)",
        },
      ],
    });
  });

  it('"granted" (or nothing) lets the event through, and consent itself is never sent to TikTok', () => {
    const result = accepted(prepareEvent(offline({ consent: "granted" }), 0, OPTIONS));
    expect(result.event).not.toHaveProperty("consent");
    expect(result.warnings).toEqual([]);
  });

  it("anything else is refused: a typo must not send a shopper who declined", () => {
    for (const consent of ["deny", "DENIED", false, 0]) {
      expect(rejected(prepareEvent(offline({ consent }), 0, OPTIONS)), JSON.stringify(consent)).toEqual([
        { index: 0, path: "consent", message: 'expected "granted" or "denied"' },
      ]);
    }
  });

  it("a malformed event is refused even when denied: the shape is checked first", () => {
    expect(rejected(prepareEvent(offline({ consent: "denied", user: { mail: "x" } }), 0, OPTIONS))[0]?.path).toBe("user.mail");
  });
});

describe("event_source", () => {
  it("app (out of scope) and unknown sources are refused with the README's pointer", () => {
    for (const event_source of ["app", "store"]) {
      expect(rejected(prepareEvent(offline({ event_source }), 0, OPTIONS))).toEqual([
        { index: 0, path: "event_source", message: "expected web, offline, crm (app events are not supported: see the README)" },
      ]);
    }
  });
});
