import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readIngestConfig } from "../../lambdas/core/config";
import { parseEventTime } from "../../lambdas/core/event-time";
import { type PrepareOptions, prepareEvent } from "../../lambdas/core/prepare";

// Edge cases found while reviewing the core: each once let a wrong value through or refused a right one.

const JAN_1_2026 = 1767225600;
const options: PrepareOptions = { nowSeconds: JAN_1_2026 + 3600, defaultPhoneCountry: "US", maxEventAgeDays: 7, allowCustomEvents: false };
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const event = (extra: Record<string, unknown>) => ({ event: "Purchase", event_id: "e1", event_time: JAN_1_2026, ...extra });

describe("event_time calendar checks", () => {
  it.each(["2026-02-30T00:00:00Z", "2025-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T10:60:00Z"])(
    "%s does not exist and is refused, not rolled over",
    (value) => {
      expect(parseEventTime(value, JAN_1_2026 + 3600, 400).ok).toBe(false);
    },
  );

  it("hours-only and compact offsets are ISO-8601 too", () => {
    expect(parseEventTime("2026-01-01T02:00:00+02", JAN_1_2026 + 3600, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
    expect(parseEventTime("2026-01-01T02:00:00+0200", JAN_1_2026 + 3600, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
  });

  it("29 February exists in a leap year", () => {
    expect(parseEventTime("2028-02-29T00:00:00Z", 1_835_395_200 + 60, 7).ok).toBe(true);
  });
});

describe("identifier edge cases", () => {
  it("a numeric external_id beyond 2^53 is refused (its digits would change), a string one is hashed as given", () => {
    // biome-ignore lint/correctness/noPrecisionLoss: the point: a number JSON cannot carry exactly.
    const refused = prepareEvent(event({ user: { external_id: 12345678901234567890 } }), 0, options);
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.issues[0]).toMatchObject({ path: "user.external_id", message: expect.stringContaining("send it as a string") });
    const accepted = prepareEvent(event({ user: { external_id: "12345678901234567890" } }), 0, options);
    expect(accepted.ok && accepted.event?.user?.external_id).toBe(sha256("12345678901234567890"));
  });

  it("the same e-mail given twice in an array is sent once", () => {
    const result = prepareEvent(event({ user: { email: ["a@b.co", " A@B.co "] } }), 0, options);
    expect(result.ok && result.event?.user?.email).toEqual([sha256("a@b.co")]);
  });

  it("a currency with spaces around it is trimmed, not refused", () => {
    const result = prepareEvent(event({ properties: { currency: " usd ", value: 1 } }), 0, options);
    expect(result.ok && result.event?.properties?.currency).toBe("USD");
  });

  it("several unknown fields are reported one issue each, with their paths", () => {
    const result = prepareEvent(event({ user: { mail: "x", phon: "y" } }), 3, options);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((issue) => [issue.index, issue.path])).toEqual([
        [3, "user.mail"],
        [3, "user.phon"],
      ]);
  });
});

describe("configuration numbers", () => {
  it.each(["1e1", "0x10", "7.0", " 7 x"])("MAX_EVENT_AGE_DAYS=%j is refused", (value) => {
    expect(() => readIngestConfig({ MAX_EVENT_AGE_DAYS: value })).toThrow(/MAX_EVENT_AGE_DAYS/);
  });

  it("an error quotes the value as it was set", () => {
    expect(() => readIngestConfig({ DEFAULT_PHONE_COUNTRY: "uk" })).toThrow('DEFAULT_PHONE_COUNTRY is "uk"');
  });
});

describe("event_id", () => {
  it.each(["   ", "order\n5", "tab\there", "\u0000"])("refuses %j: the pixel could not send the same id", (id) => {
    const result = prepareEvent(event({ event_id: id }), 0, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ path: "event_id", message: expect.stringContaining("visible characters") });
  });

  it("accepts ids with spaces, unicode and punctuation inside", () => {
    expect(prepareEvent(event({ event_id: "wc order #5123 – ü" }), 0, options).ok).toBe(true);
  });
});
