import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { STANDARD_EVENTS } from "../../lambdas/core/event-names";
import { type PrepareOptions, prepareEvent } from "../../lambdas/core/prepare";
import type { EventIssue } from "../../lambdas/core/schema";
import { accepted, rejected } from "../support/prepared";

const sha = (normalised: string) => createHash("sha256").update(normalised, "utf8").digest("hex");

const JAN_1_2026 = 1767225600;
const OPTIONS: PrepareOptions = {
  nowSeconds: JAN_1_2026 + 3600,
  defaultPhoneCountry: "US",
  maxEventAgeDays: 7,
  allowCustomEvents: false,
};

const paths = (issues: EventIssue[]) => issues.map((issue) => issue.path);

/** A minimal valid event with an id, so no "derived event_id" warning gets in the way. */
const base = (extra: Record<string, unknown> = {}) => ({ event: "Purchase", event_id: "e1", event_time: JAN_1_2026, ...extra });

describe("prepareEvent: a full WooCommerce purchase", () => {
  const input = {
    event: "Purchase",
    event_id: "wc_order_5123",
    event_time: 1767225600,
    user: {
      email: " John.Doe@Example.COM ",
      phone: "+1 (650) 555-1234",
      external_id: 1042,
      first_name: " John ",
      last_name: "DOE",
      zip_code: "94103-1234",
      city: "San Francisco",
      state: "CA",
      country: "US",
      ttclid: "E.C.P.AbCdEf123",
      ttp: "2Xy_Cookie-Value",
      ip: "203.0.113.7",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
      locale: "en-US",
    },
    page: {
      url: "https://shop.example/checkout/order-received/5123/?key=wc_order_AbC",
      referrer: "https://shop.example/checkout/",
    },
    properties: {
      contents: [
        { content_id: 4711, content_name: "Hoodie", content_category: "Apparel", brand: "Acme", price: 25, quantity: 2 },
        { content_id: "SKU-2", price: 12.5, quantity: 1 },
      ],
      content_type: "product",
      currency: "usd",
      value: 62.5,
      order_id: "5123",
    },
    limited_data_use: false,
    pixel_code: "C4ABCDEFGHIJ12345678",
  };

  const expected = {
    event: "Purchase",
    event_time: 1767225600,
    event_id: "wc_order_5123",
    user: {
      email: "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f",
      phone: "a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0",
      external_id: "216da54b5931a6d37cca8e29953361fe02c680bbd8b482343f508e32e8e9cc3b",
      first_name: sha("john"),
      last_name: sha("doe"),
      zip_code: sha("941031234"),
      city: "san francisco",
      state: "ca",
      country: "us",
      ttclid: "E.C.P.AbCdEf123",
      ttp: "2Xy_Cookie-Value",
      ip: "203.0.113.7",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
      locale: "en-US",
    },
    page: {
      url: "https://shop.example/checkout/order-received/5123/?key=wc_order_AbC",
      referrer: "https://shop.example/checkout/",
    },
    properties: {
      contents: [
        { content_id: "4711", content_name: "Hoodie", content_category: "Apparel", brand: "Acme", price: 25, quantity: 2 },
        { content_id: "SKU-2", price: 12.5, quantity: 1 },
      ],
      content_type: "product",
      currency: "USD",
      value: 62.5,
      order_id: "5123",
    },
    limited_data_use: false,
  };

  it("becomes exactly the TikTok event (same values, same key order), with its pixel and no warnings", () => {
    const result = accepted(prepareEvent(input, 0, OPTIONS));
    expect(result.event).toEqual(expected);
    expect(JSON.stringify(result.event)).toBe(JSON.stringify(expected));
    expect(result.target).toEqual({ source: "web", id: "C4ABCDEFGHIJ12345678" });
    expect(result.warnings).toEqual([]);
  });

  it("does not modify the caller's object", () => {
    const copy = structuredClone(input);
    prepareEvent(input, 0, OPTIONS);
    expect(input).toEqual(copy);
  });

  it("no raw identifier survives anywhere in the output", () => {
    const json = JSON.stringify(accepted(prepareEvent(input, 0, OPTIONS)).event);
    for (const raw of ["John", "john", "Doe", "doe", "example.com", "650", "94103"]) {
      expect(json, raw).not.toContain(raw);
    }
  });
});

describe("prepareEvent: properties", () => {
  it("value 0 is kept, not dropped by a truthiness check", () => {
    const event = accepted(prepareEvent(base({ properties: { value: 0, currency: "EUR" } }), 0, OPTIONS)).event;
    expect(event.properties).toEqual({ value: 0, currency: "EUR" });
  });

  it("a value (even 0) without currency is an issue at properties.currency", () => {
    for (const value of [0, 19.99]) {
      const issues = rejected(prepareEvent(base({ properties: { value } }), 4, OPTIONS));
      expect(issues).toEqual([
        { index: 4, path: "properties.currency", message: "is required when value is set (an ISO-4217 code, e.g. USD)" },
      ]);
    }
  });

  it("currency is upper-cased: 'usd' → 'USD'", () => {
    const event = accepted(prepareEvent(base({ properties: { currency: "usd", value: 1 } }), 0, OPTIONS)).event;
    expect(event.properties?.currency).toBe("USD");
  });

  it("an unknown currency 'XYZ' is rejected at properties.currency, quoting the value", () => {
    const issues = rejected(prepareEvent(base({ properties: { currency: "XYZ", value: 1 } }), 0, OPTIONS));
    expect(paths(issues)).toEqual(["properties.currency"]);
    expect(issues[0]?.message).toContain('"XYZ"');
  });

  it("numeric content_id and content_ids become strings", () => {
    const event = accepted(
      prepareEvent(base({ properties: { contents: [{ content_id: 123 }], content_ids: [1, "B-2"] } }), 0, OPTIONS),
    ).event;
    // With ids and no content_type, content_type defaults to "product" (see "the relay's defaults").
    expect(event.properties).toEqual({ contents: [{ content_id: "123" }], content_ids: ["1", "B-2"], content_type: "product" });
  });

  it("a bad row inside contents is named by its index", () => {
    const issues = rejected(
      prepareEvent(base({ properties: { contents: [{ content_id: "ok" }, { content_id: "x", price: -1 }] } }), 0, OPTIONS),
    );
    expect(paths(issues)).toEqual(["properties.contents.1.price"]);
  });
});

describe("prepareEvent: event name", () => {
  it("an unknown name is rejected at path 'event' with a suggestion", () => {
    const issues = rejected(prepareEvent(base({ event: "IntiateCheckout" }), 2, OPTIONS));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ index: 2, path: "event" });
    expect(issues[0]?.message).toContain('did you mean "InitiateCheckout"?');
    expect(issues[0]?.message).toContain("ALLOW_CUSTOM_EVENTS");
  });

  it("a name far from any standard one is rejected without a suggestion", () => {
    const issues = rejected(prepareEvent(base({ event: "Zzzzzzzz" }), 0, OPTIONS));
    expect(paths(issues)).toEqual(["event"]);
    expect(issues[0]?.message).not.toContain("did you mean");
  });

  it("allowCustomEvents accepts a custom name as given", () => {
    const result = accepted(prepareEvent(base({ event: "WarrantyRegistered" }), 0, { ...OPTIONS, allowCustomEvents: true }));
    expect(result.event.event).toBe("WarrantyRegistered");
    expect(result.warnings).toEqual([]);
  });

  it("every standard name is accepted", () => {
    for (const name of STANDARD_EVENTS) {
      expect(prepareEvent(base({ event: name }), 0, OPTIONS).ok, name).toBe(true);
    }
  });

  it("an empty event name is rejected at 'event'", () => {
    expect(paths(rejected(prepareEvent(base({ event: "" }), 0, OPTIONS)))).toEqual(["event"]);
  });
});

describe("prepareEvent: event_time", () => {
  it("milliseconds are sent as seconds", () => {
    expect(accepted(prepareEvent(base({ event_time: 1767225600000 }), 0, OPTIONS)).event.event_time).toBe(JAN_1_2026);
  });

  it("a missing event_time is now", () => {
    const input = { event: "Purchase", event_id: "e1" };
    expect(accepted(prepareEvent(input, 0, OPTIONS)).event.event_time).toBe(OPTIONS.nowSeconds);
  });

  it("an unreadable or too old time is an issue at event_time", () => {
    expect(paths(rejected(prepareEvent(base({ event_time: "2026-01-01T00:00:00" }), 0, OPTIONS)))).toEqual(["event_time"]);
    expect(paths(rejected(prepareEvent(base({ event_time: JAN_1_2026 - 30 * 86_400 }), 0, OPTIONS)))).toEqual(["event_time"]);
  });

  it("a bad name and a bad time are both reported", () => {
    const issues = rejected(prepareEvent(base({ event: "Purchse", event_time: 0 }), 0, OPTIONS));
    expect(paths(issues).sort()).toEqual(["event", "event_time"]);
  });
});

describe("prepareEvent: strict shape", () => {
  it("an unknown field user.mail is rejected with its path", () => {
    const issues = rejected(prepareEvent(base({ user: { mail: "john@example.com" } }), 7, OPTIONS));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ index: 7, path: "user.mail" });
    expect(issues[0]?.message).toContain("unknown field");
  });

  it("an unknown top-level field is rejected with its name", () => {
    expect(paths(rejected(prepareEvent(base({ test_event_code: "TEST123" }), 0, OPTIONS)))).toEqual(["test_event_code"]);
  });

  it.each([
    ["event_id", { event_id: "x".repeat(129) }, "event_id"],
    ["user.email", { user: { email: `a@b.c${"x".repeat(252)}` } }, "user.email"],
    ["user.user_agent", { user: { user_agent: "x".repeat(1025) } }, "user.user_agent"],
    ["page.url", { page: { url: `https://x/${"x".repeat(2039)}` } }, "page.url"],
    [
      "properties.contents.0.content_name",
      { properties: { contents: [{ content_id: "a", content_name: "x".repeat(1025) }] } },
      "properties.contents.0.content_name",
    ],
  ])("a string longer than its limit at %s is an issue naming the path", (_name, extra, path) => {
    const issues = rejected(prepareEvent(base(extra), 0, OPTIONS));
    expect(paths(issues)).toEqual([path]);
  });

  it("strings exactly at their limit are accepted", () => {
    const result = accepted(prepareEvent(base({ event_id: "x".repeat(128), page: { url: `https://x/${"x".repeat(2038)}` } }), 0, OPTIONS));
    expect(result.event.event_id).toBe("x".repeat(128));
    expect(result.event.page?.url).toHaveLength(2048);
  });

  it.each([null, [], "Purchase", 42])("a non-object event (%j) is rejected at '(event)'", (input) => {
    const issues = rejected(prepareEvent(input, 3, OPTIONS));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ index: 3, path: "(event)" });
  });

  it("__proto__ and constructor keys in user are rejected, and Object.prototype is not polluted", () => {
    const proto = JSON.parse('{"event":"Purchase","event_id":"e1","user":{"__proto__":{"polluted":"yes"}}}') as unknown;
    const ctor = JSON.parse('{"event":"Purchase","event_id":"e1","user":{"constructor":{"prototype":{"polluted":"yes"}}}}') as unknown;
    const top = JSON.parse('{"event":"Purchase","event_id":"e1","__proto__":{"polluted":"yes"}}') as unknown;
    expect(paths(rejected(prepareEvent(proto, 0, OPTIONS)))).toEqual(["user.__proto__"]);
    expect(paths(rejected(prepareEvent(ctor, 0, OPTIONS)))).toEqual(["user.constructor"]);
    expect(paths(rejected(prepareEvent(top, 0, OPTIONS)))).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
  });
});

describe("prepareEvent: user identifiers", () => {
  it("an email array becomes an array of hashes in the same order", () => {
    const user = accepted(prepareEvent(base({ user: { email: ["A@Example.com", " b@example.com"] } }), 0, OPTIONS)).event.user;
    expect(user).toEqual({ email: [sha("a@example.com"), sha("b@example.com")] });
  });

  it("a bad element of an email array is dropped with a warning naming its index", () => {
    const result = accepted(prepareEvent(base({ user: { email: ["a@example.com", "nope"] } }), 0, OPTIONS));
    expect(result.event.user).toEqual({ email: [sha("a@example.com")] });
    expect(paths(result.warnings)).toEqual(["user.email.1"]);
  });

  it("a phone that cannot be E.164 is dropped with a warning at user.phone; the event is still ok", () => {
    const result = accepted(prepareEvent(base({ user: { phone: "555-CALL-NOW", email: "a@example.com" } }), 5, OPTIONS));
    expect(result.event.user).toEqual({ email: sha("a@example.com") });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ index: 5, path: "user.phone" });
    expect(result.warnings[0]?.message).toMatch(/^dropped: /);
  });

  it("the default phone country is used for national numbers", () => {
    const user = accepted(prepareEvent(base({ user: { phone: "020 7946 0958" } }), 0, { ...OPTIONS, defaultPhoneCountry: "GB" })).event
      .user;
    expect(user).toEqual({ phone: sha("+442079460958") });
  });

  it("an email without @ is dropped with a warning at user.email", () => {
    const result = accepted(prepareEvent(base({ event: "AddToCart", user: { email: "john.example.com" } }), 0, OPTIONS));
    expect(result.event.user).toBeUndefined();
    expect(paths(result.warnings)).toEqual(["user.email"]);
  });

  it("an invalid ip is dropped with a warning at user.ip; IPv6 is kept", () => {
    const bad = accepted(prepareEvent(base({ event: "AddToCart", user: { ip: "999.1.1.1", ttp: "t" } }), 0, OPTIONS));
    expect(bad.event.user).toEqual({ ttp: "t" });
    expect(paths(bad.warnings)).toEqual(["user.ip"]);
    const v6 = accepted(prepareEvent(base({ event: "AddToCart", user: { ip: "2001:db8::1" } }), 0, OPTIONS));
    expect(v6.event.user).toEqual({ ip: "2001:db8::1" });
    expect(v6.warnings).toEqual([]);
  });

  it("already-hashed identifiers are passed through lower-cased, not hashed again", () => {
    const h = sha("john.doe@example.com");
    const user = accepted(
      prepareEvent(
        base({ user: { email: h.toUpperCase(), phone: h, external_id: h, first_name: h, last_name: h, zip_code: h } }),
        0,
        OPTIONS,
      ),
    ).event.user;
    expect(user).toEqual({ email: h, phone: h, external_id: h, first_name: h, last_name: h, zip_code: h });
  });

  it("external_id keeps its case", () => {
    const user = accepted(prepareEvent(base({ user: { external_id: "ABC" } }), 0, OPTIONS)).event.user;
    expect(user).toEqual({ external_id: sha("ABC") });
  });

  it("a user object with nothing usable is omitted", () => {
    const result = accepted(prepareEvent(base({ user: { city: "  " } }), 0, OPTIONS));
    expect("user" in result.event).toBe(false);
  });
});

describe("prepareEvent: event_id", () => {
  it("a given event_id is kept as is, without warning", () => {
    const result = accepted(prepareEvent(base({ event_id: "wc_order_5123", user: { email: "a@b.co" } }), 0, OPTIONS));
    expect(result.event.event_id).toBe("wc_order_5123");
    expect(result.warnings).toEqual([]);
  });

  const noId = (extra: Record<string, unknown> = {}) => ({
    event: "Purchase",
    event_time: JAN_1_2026,
    user: { email: "john@example.com" },
    properties: { value: 10, currency: "USD" },
    ...extra,
  });

  it("a missing event_id is derived from the content, with a warning at event_id", () => {
    const result = accepted(prepareEvent(noId(), 9, OPTIONS));
    expect(result.event.event_id).toMatch(/^auto_[0-9a-f]{32}$/);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ index: 9, path: "event_id" });
  });

  it("the same input twice gives the same id (a retry is deduplicated)", () => {
    const a = accepted(prepareEvent(noId(), 0, OPTIONS)).event.event_id;
    const b = accepted(prepareEvent(noId(), 1, { ...OPTIONS, nowSeconds: OPTIONS.nowSeconds + 60 })).event.event_id;
    expect(b).toBe(a);
  });

  it("the same caller time in another unit gives the same id", () => {
    const a = accepted(prepareEvent(noId(), 0, OPTIONS)).event.event_id;
    const b = accepted(prepareEvent(noId({ event_time: JAN_1_2026 * 1000 }), 0, OPTIONS)).event.event_id;
    expect(b).toBe(a);
  });

  it("different content gives a different id", () => {
    const a = accepted(prepareEvent(noId(), 0, OPTIONS)).event.event_id;
    const value = accepted(prepareEvent(noId({ properties: { value: 11, currency: "USD" } }), 0, OPTIONS)).event.event_id;
    const user = accepted(prepareEvent(noId({ user: { email: "jane@example.com" } }), 0, OPTIONS)).event.event_id;
    const name = accepted(prepareEvent(noId({ event: "PlaceAnOrder" }), 0, OPTIONS)).event.event_id;
    const pixel = accepted(prepareEvent(noId({ pixel_code: "C4ABCDEFGHIJ12345678" }), 0, OPTIONS)).event.event_id;
    expect(new Set([a, value, user, name, pixel]).size).toBe(5);
  });

  it("the caller's event_time changes the id", () => {
    const a = accepted(prepareEvent(noId(), 0, OPTIONS)).event.event_id;
    const b = accepted(prepareEvent(noId({ event_time: JAN_1_2026 + 1 }), 0, OPTIONS)).event.event_id;
    expect(b).not.toBe(a);
  });

  it("without a caller time, the id does not depend on the clock", () => {
    const input = { event: "Lead", user: { email: "john@example.com" } };
    const a = accepted(prepareEvent(input, 0, OPTIONS));
    const b = accepted(prepareEvent(input, 0, { ...OPTIONS, nowSeconds: OPTIONS.nowSeconds + 3600 }));
    expect(a.event.event_time).not.toBe(b.event.event_time);
    expect(b.event.event_id).toBe(a.event.event_id);
  });
});
