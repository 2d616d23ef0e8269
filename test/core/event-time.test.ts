import { describe, expect, it } from "vitest";
import { FUTURE_SKEW_SECONDS, parseEventTime } from "../../lambdas/core/event-time";

const JAN_1_2026 = 1767225600; // 2026-01-01T00:00:00Z
const NOW = JAN_1_2026 + 3600; // one hour later
const DAY = 86_400;
const UNREADABLE = /cannot be read as a time/;

describe("parseEventTime: units", () => {
  it("integer seconds are kept", () => {
    expect(parseEventTime(JAN_1_2026, NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
  });

  it("milliseconds become seconds: 1767225600000 → 1767225600", () => {
    expect(parseEventTime(1767225600000, NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
    expect(parseEventTime(1767225600999, NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
  });

  it("float seconds are floored", () => {
    expect(parseEventTime(1767225600.9, NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
  });

  it("ISO-8601 with Z", () => {
    expect(parseEventTime("2026-01-01T00:00:00Z", NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
    expect(parseEventTime("2026-01-01T00:00:00.999Z", NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
  });

  it("ISO-8601 with an offset: +02:00 is two hours earlier in UTC", () => {
    expect(parseEventTime("2026-01-01T00:00:00+02:00", NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 - 7200 });
    expect(parseEventTime("2025-12-31T19:00:00-05:00", NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
  });

  it("ISO-8601 without a zone is rejected (it would depend on the server's time zone)", () => {
    const result = parseEventTime("2026-01-01T00:00:00", NOW, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(UNREADABLE);
      expect(result.message).toContain("ISO-8601 with a zone");
    }
    expect(parseEventTime("2026-01-01", NOW, 7).ok).toBe(false);
  });

  it("a string of digits is read like the number (seconds or milliseconds)", () => {
    expect(parseEventTime("1767225600", NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
    expect(parseEventTime(" 1767225600000 ", NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
    expect(parseEventTime("1767225600.5", NOW, 7)).toEqual({ ok: true, seconds: JAN_1_2026 });
  });

  it("undefined means now", () => {
    expect(parseEventTime(undefined, NOW, 7)).toEqual({ ok: true, seconds: NOW });
  });
});

describe("parseEventTime: bounds", () => {
  it(`up to ${FUTURE_SKEW_SECONDS} s in the future is clock skew and accepted`, () => {
    expect(FUTURE_SKEW_SECONDS).toBe(300);
    expect(parseEventTime(NOW + 300, NOW, 7)).toEqual({ ok: true, seconds: NOW + 300 });
    expect(parseEventTime(NOW + 120, NOW, 7)).toEqual({ ok: true, seconds: NOW + 120 });
  });

  it("more than 300 s in the future is rejected, naming how far", () => {
    const result = parseEventTime(NOW + 301, NOW, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain("301 s in the future");
      expect(result.message).toContain(new Date((NOW + 301) * 1000).toISOString());
    }
  });

  it("milliseconds in the future are rejected after unit conversion", () => {
    const result = parseEventTime((NOW + 10 * DAY) * 1000, NOW, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(`${10 * DAY} s in the future`);
  });

  it("exactly maxAgeDays old is accepted; one second older is rejected", () => {
    expect(parseEventTime(NOW - 7 * DAY, NOW, 7)).toEqual({ ok: true, seconds: NOW - 7 * DAY });
    const result = parseEventTime(NOW - 7 * DAY - 1, NOW, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^is older than 7 days/);
  });

  it("maxAgeDays is honoured", () => {
    expect(parseEventTime(NOW - 10 * DAY, NOW, 30).ok).toBe(true);
    const result = parseEventTime(NOW - 10 * DAY, NOW, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain("older than 7 days");
  });

  it.each([0, -1, -1767225600, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("%s is rejected as unreadable", (input) => {
    const result = parseEventTime(input, NOW, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(UNREADABLE);
  });

  it.each(["", "   ", "0", "-5", "abc", "yesterday", "1e9", "2026-13-01T00:00:00Z"])("%j is rejected as unreadable", (input) => {
    const result = parseEventTime(input, NOW, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(UNREADABLE);
  });
});
