import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  coverageScore,
  hasStrongKey,
  MATCH_KEY_WEIGHTS,
  MATCH_KEYS,
  matchKeys,
  purchaseMatchWarning,
} from "../../lambdas/core/match-quality";
import { prepareEvent } from "../../lambdas/core/prepare";
import type { TikTokEvent } from "../../lambdas/core/schema";

const event = (user: Record<string, string>, name = "CompletePayment"): TikTokEvent => ({
  event: name,
  event_time: 1,
  event_id: "e",
  user,
});
const h = "a".repeat(64);

describe("match keys", () => {
  it("names each key an event carries; first/last name count as name, any address part as address", () => {
    expect(matchKeys(event({ email: h, ttclid: "c", first_name: h, city: "paris" }))).toEqual(["email", "ttclid", "name", "address"]);
    expect(matchKeys(event({}))).toEqual([]);
  });

  it("scores 0 to 100 by the documented weights", () => {
    expect(Object.values(MATCH_KEY_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    expect(coverageScore(["email", "phone", "ttclid", "external_id", "ttp", "ip", "user_agent", "name", "address"])).toBe(100);
    expect(coverageScore(["email", "ip", "user_agent"])).toBe(35);
    expect(coverageScore([])).toBe(0);
  });

  it("counts email, phone and ttclid as strong", () => {
    expect(hasStrongKey(["ttclid"])).toBe(true);
    expect(hasStrongKey(["ip", "user_agent", "external_id", "ttp"])).toBe(false);
  });

  it("warns about a purchase without a strong key, not about other events", () => {
    expect(purchaseMatchWarning(event({ ip: "1.2.3.4" }), ["ip"])).toMatch(
      /^CompletePayment without email, phone or ttclid will rarely match/,
    );
    expect(purchaseMatchWarning(event({ ip: "1.2.3.4" }, "AddToCart"), ["ip"])).toBeUndefined();
    expect(purchaseMatchWarning(event({ phone: h }), ["phone"])).toBeUndefined();
  });

  it("counts only identifiers that survive normalisation: a phone dropped as unreadable is not a match key", () => {
    const result = prepareEvent(
      {
        event: "Purchase",
        event_id: "p",
        event_time: 1_767_225_600,
        user: { phone: "not a phone", ip: "203.0.113.9" },
        properties: { currency: "USD", value: 1 },
      },
      0,
      { nowSeconds: 1_767_225_660, defaultPhoneCountry: "US", maxEventAgeDays: 7, allowCustomEvents: false },
    );
    expect(result.ok && result.warnings.map((w) => w.path).sort()).toEqual(["user", "user.phone"]);
  });
});

describe("matchKeys", () => {
  it("lists the keys an event's user carries, in MATCH_KEYS' order", () => {
    const fields = [
      "email",
      "phone",
      "ttclid",
      "external_id",
      "ttp",
      "ip",
      "user_agent",
      "first_name",
      "last_name",
      "zip_code",
      "city",
      "state",
      "country",
      "locale",
    ];
    fc.assert(
      fc.property(fc.subarray(fields), fc.boolean(), (present, withUser) => {
        const user = Object.fromEntries(present.map((field) => [field, "x"]));
        const has = (...names: string[]) => names.some((name) => present.includes(name));
        const expected = MATCH_KEYS.filter((key) =>
          key === "name" ? has("first_name", "last_name") : key === "address" ? has("zip_code", "city", "state", "country") : has(key),
        );
        const event = { event: "Purchase", event_time: 1, event_id: "e", ...(withUser ? { user } : {}) };
        expect(matchKeys(event)).toEqual(withUser ? expected : []);
      }),
      { numRuns: 500, seed: 20261203 },
    );
  });
});
