import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseLduRegion } from "../../lambdas/core/limited-data-use";
import { type PrepareOptions, prepareEvent } from "../../lambdas/core/prepare";
import { accepted, rejected } from "../support/prepared";

// The fields other integrations send that the relay now takes (external_id arrays, numeric order ids, a
// phone's own country), what it leaves out (addresses that are never the shopper's) and what it fills in
// (ttclid from the landing URL, content_type, limited_data_use for configured regions).

const sha = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");
const JAN_1_2026 = 1767225600;
const OPTIONS: PrepareOptions = { nowSeconds: JAN_1_2026 + 3600, defaultPhoneCountry: "US", maxEventAgeDays: 7, allowCustomEvents: false };
const base = (extra: Record<string, unknown> = {}) => ({ event: "AddToCart", event_id: "e1", event_time: JAN_1_2026, ...extra });

describe("user.external_id", () => {
  it("an array is hashed element by element (numbers as their digits, trimmed, duplicates once)", () => {
    const result = accepted(prepareEvent(base({ user: { external_id: [1042, " cust-7 ", "1042"] } }), 0, OPTIONS));
    expect(result.event.user?.external_id).toEqual([sha("1042"), sha("cust-7")]);
    expect(result.warnings).toEqual([]);
  });

  it("an empty element is dropped with a warning naming it; the others are sent", () => {
    const result = accepted(prepareEvent(base({ user: { external_id: ["a1", "  "] } }), 0, OPTIONS));
    expect(result.event.user?.external_id).toEqual([sha("a1")]);
    expect(result.warnings).toEqual([{ index: 0, path: "user.external_id.1", message: "dropped: is empty" }]);
  });

  it("more than 10, an empty array or a non-id is refused at user.external_id", () => {
    for (const external_id of [Array.from({ length: 11 }, (_, i) => `id${i}`), [], [true], 1.5]) {
      expect(
        rejected(prepareEvent(base({ user: { external_id } }), 0, OPTIONS)).map((issue) => issue.path),
        JSON.stringify(external_id),
      ).toEqual(["user.external_id"]);
    }
  });
});

describe("properties.order_id and shop_id", () => {
  it("numbers are sent as strings (TikTok wants strings; WooCommerce order ids are integers)", () => {
    const result = accepted(prepareEvent(base({ properties: { order_id: 5123, shop_id: 7 } }), 0, OPTIONS));
    expect(result.event.properties).toEqual({ order_id: "5123", shop_id: "7" });
  });

  it("a number too large to keep its digits is refused, with the fix", () => {
    // biome-ignore lint/correctness/noPrecisionLoss: the point: a number JSON cannot carry exactly.
    const issues = rejected(prepareEvent(base({ properties: { order_id: 12345678901234567890 } }), 0, OPTIONS));
    expect(issues[0]).toMatchObject({ path: "properties.order_id", message: expect.stringContaining("send it as a string") });
  });
});

describe("user.phone is read in user.country", () => {
  it("a national number is read in the event's own country", () => {
    const result = accepted(prepareEvent(base({ user: { phone: "020 7946 0018", country: "gb" } }), 0, OPTIONS));
    expect(result.event.user?.phone).toBe(sha("+442079460018"));
  });

  it("without a usable country, DEFAULT_PHONE_COUNTRY", () => {
    for (const user of [{ phone: "(650) 555-1234" }, { phone: "(650) 555-1234", country: "United States" }]) {
      expect(accepted(prepareEvent(base({ user }), 0, OPTIONS)).event.user?.phone).toBe(sha("+16505551234"));
    }
  });

  it("a number given with its country code keeps it, whatever user.country says", () => {
    const result = accepted(prepareEvent(base({ user: { phone: "+1 650 555 1234", country: "DE" } }), 0, OPTIONS));
    expect(result.event.user?.phone).toBe(sha("+16505551234"));
  });
});

describe("user.ip", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["10.1.2.3", "a private-network address"],
    ["::1", "a loopback address"],
    ["fe80::1", "a link-local address"],
    ["0.0.0.0", "an unspecified address"],
  ])("%s is dropped with a warning that names its kind, not the address", (ip, kind) => {
    const result = accepted(prepareEvent(base({ user: { ip, email: "a@b.co" } }), 4, OPTIONS));
    expect(result.event.user).toEqual({ email: sha("a@b.co") });
    expect(result.warnings).toEqual([
      {
        index: 4,
        path: "user.ip",
        message: `dropped: ${kind} is never the shopper's; send the IP of the shopper's request, not your server's or proxy's`,
      },
    ]);
    expect(JSON.stringify(result.warnings)).not.toContain(ip);
  });

  it("a public address is sent as given (trimmed)", () => {
    expect(accepted(prepareEvent(base({ user: { ip: " 2a00:1450:4001:81b::200e " } }), 0, OPTIONS)).event.user?.ip).toBe(
      "2a00:1450:4001:81b::200e",
    );
  });
});

describe("user.ttclid from page.url", () => {
  const url = (query: string) => `https://shop.example/landing/?utm_source=tiktok&${query}`;

  it("is taken from the landing URL's query when the event has none", () => {
    const result = accepted(prepareEvent(base({ page: { url: url("ttclid=E.C.P.v3%2Bx") } }), 0, OPTIONS));
    expect(result.event.user).toEqual({ ttclid: "E.C.P.v3+x" });
    expect(result.event.page).toEqual({ url: url("ttclid=E.C.P.v3%2Bx") });
  });

  it("never replaces a ttclid the caller sent", () => {
    const result = accepted(prepareEvent(base({ user: { ttclid: "given" }, page: { url: url("ttclid=from-url") } }), 0, OPTIONS));
    expect(result.event.user?.ttclid).toBe("given");
  });

  it("a blank user.ttclid counts as none", () => {
    const result = accepted(prepareEvent(base({ user: { ttclid: " " }, page: { url: url("ttclid=from-url") } }), 0, OPTIONS));
    expect(result.event.user?.ttclid).toBe("from-url");
  });

  it("nothing when the URL has no ttclid, an empty one, or is not a URL", () => {
    for (const page of [{ url: url("x=1") }, { url: url("ttclid=") }, { url: "/relative?ttclid=abc" }, { referrer: url("ttclid=abc") }]) {
      expect(accepted(prepareEvent(base({ page }), 0, OPTIONS)).event.user, JSON.stringify(page)).toBeUndefined();
    }
  });

  it("counts as a strong key: a purchase with only a landing URL gets no weak-match warning", () => {
    const result = accepted(prepareEvent(base({ event: "Purchase", page: { url: url("ttclid=abc") } }), 0, OPTIONS));
    expect(result.warnings).toEqual([]);
  });
});

describe("properties.content_type", () => {
  it("defaults to product when contents or content_ids carry ids", () => {
    const contents = accepted(prepareEvent(base({ properties: { contents: [{ content_id: "SKU-1" }] } }), 0, OPTIONS));
    expect(contents.event.properties).toEqual({ contents: [{ content_id: "SKU-1" }], content_type: "product" });
    const ids = accepted(prepareEvent(base({ properties: { content_ids: ["SKU-1"] } }), 0, OPTIONS));
    expect(ids.event.properties).toEqual({ content_ids: ["SKU-1"], content_type: "product" });
  });

  it("keeps the caller's product_group, and adds nothing without ids", () => {
    const group = accepted(prepareEvent(base({ properties: { content_ids: ["G-1"], content_type: "product_group" } }), 0, OPTIONS));
    expect(group.event.properties?.content_type).toBe("product_group");
    for (const properties of [{ value: 1, currency: "USD" }, { contents: [] }]) {
      expect(accepted(prepareEvent(base({ properties }), 0, OPTIONS)).event.properties?.content_type).toBeUndefined();
    }
  });
});

describe("limited_data_use from LDU_REGIONS", () => {
  const options = { ...OPTIONS, lduRegions: ["US-CA", "US-CO"].map(parseLduRegion) };

  it("is set for a shopper in a listed region", () => {
    const result = accepted(prepareEvent(base({ user: { state: "CA", country: "US" } }), 0, options));
    expect(result.event.limited_data_use).toBe(true);
    expect(JSON.stringify(result.event)).toBe(
      '{"event":"AddToCart","event_time":1767225600,"event_id":"e1","user":{"state":"ca","country":"us"},"limited_data_use":true}',
    );
  });

  it("never overrides the event's own value, either way", () => {
    expect(
      accepted(prepareEvent(base({ user: { state: "CA", country: "US" }, limited_data_use: false }), 0, options)).event.limited_data_use,
    ).toBe(false);
    expect(
      accepted(prepareEvent(base({ user: { state: "NY", country: "US" }, limited_data_use: true }), 0, options)).event.limited_data_use,
    ).toBe(true);
  });

  it("is left out elsewhere, and when no regions are configured", () => {
    expect(accepted(prepareEvent(base({ user: { state: "NY", country: "US" } }), 0, options)).event).not.toHaveProperty("limited_data_use");
    expect(accepted(prepareEvent(base({ user: { state: "CA", country: "US" } }), 0, OPTIONS)).event).not.toHaveProperty("limited_data_use");
  });
});

describe("deprecated event names", () => {
  it("CompletePayment is sent as named, with a warning at event naming Purchase", () => {
    const result = accepted(prepareEvent(base({ event: "CompletePayment", user: { email: "a@b.co" } }), 2, OPTIONS));
    expect(result.event.event).toBe("CompletePayment");
    expect(result.warnings).toEqual([{ index: 2, path: "event", message: expect.stringContaining('use "Purchase" instead') }]);
  });
});

describe("derived event ids", () => {
  it("are what earlier versions derived: the relay's own additions (ttclid, content_type, LDU) do not change them", () => {
    const input = {
      event: "Purchase",
      event_time: JAN_1_2026,
      user: { email: "john@example.com", state: "CA", country: "US" },
      page: { url: "https://shop.example/p/1?ttclid=E.C.P.xyz" },
      properties: { currency: "USD", value: 10, contents: [{ content_id: "SKU-1", quantity: 1 }] },
    };
    const result = accepted(prepareEvent(input, 0, { ...OPTIONS, lduRegions: [parseLduRegion("US-CA")] }));
    expect(result.event).toMatchObject({ user: { ttclid: "E.C.P.xyz" }, properties: { content_type: "product" }, limited_data_use: true });
    // The id the relay derived for this input before it added these (commit 7299ba1).
    expect(result.event.event_id).toBe("auto_cc595654bcf8570ffeeebea2476db028");
  });
});
