import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type PreparedEvent, prepareEvent } from "../../lambdas/core/prepare";
import type { IncomingEvent } from "../../lambdas/core/schema";
import { DEFAULT_ORDER_EVENT_OPTIONS, type OrderEvent, type OrderEventOptions, orderToEvent } from "../../lambdas/woocommerce/order-event";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are WooCommerce's JSON, edited freely by each test.
type Order = Record<string, any>;

/** A fresh copy of a fixture, so a test may change it freely. */
const fixture = (name: string): Order =>
  JSON.parse(readFileSync(new URL(`../fixtures/woocommerce/${name}.json`, import.meta.url), "utf8")) as Order;

const GUEST = "order-guest-processing";
const REGISTERED = "order-registered-completed-eur";
const PENDING = "order-pending";
const FREE = "order-fully-discounted";

const sha = (normalised: string) => createHash("sha256").update(normalised, "utf8").digest("hex");
const round2 = (value: number) => Math.round(value * 100) / 100;
const seconds = (gmt: string) => Date.parse(`${gmt}Z`) / 1000;

const options = (extra: Partial<OrderEventOptions> = {}): OrderEventOptions => ({ ...DEFAULT_ORDER_EVENT_OPTIONS, ...extra });

function mapped(result: OrderEvent): Extract<OrderEvent, { kind: "event" }> {
  if (result.kind !== "event") throw new Error(`expected an event, got skip: ${result.reason}`);
  return result;
}

const eventOf = (order: unknown, extra: Partial<OrderEventOptions> = {}): IncomingEvent =>
  mapped(orderToEvent(order, options(extra))).event;

function skipReason(result: OrderEvent): string {
  if (result.kind !== "skip") throw new Error(`expected a skip, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

/** Runs the relay's own validation on a mapped order, as the webhook handler will. */
function prepared(order: Order): PreparedEvent {
  const result = mapped(orderToEvent(order, DEFAULT_ORDER_EVENT_OPTIONS));
  const outcome = prepareEvent(result.event, 0, {
    nowSeconds: seconds(order.date_paid_gmt) + 60,
    defaultPhoneCountry: result.phoneCountry ?? "US",
    maxEventAgeDays: 7,
    allowCustomEvents: false,
  });
  if (!outcome.ok) throw new Error(`expected prepareEvent to accept it, got ${JSON.stringify(outcome.issues)}`);
  if (outcome.dropped) throw new Error(`expected prepareEvent to accept it, it was dropped: ${outcome.dropped}`);
  return outcome;
}

describe("orderToEvent: the fixtures, whole", () => {
  it("maps a paid guest order (US, USD, two SKUs, shipping, tax, _ttclid and _ttp meta)", () => {
    const result = orderToEvent(fixture(GUEST), DEFAULT_ORDER_EVENT_OPTIONS);
    expect(result).toStrictEqual({
      kind: "event",
      phoneCountry: "US",
      event: {
        event: "Purchase",
        event_id: "wc_order_5123",
        event_time: "2026-03-14T16:41:12Z",
        user: {
          email: "jordan.rivera@example.com",
          phone: "(650) 555-0142",
          first_name: "Jordan",
          last_name: "Rivera",
          zip_code: "94043",
          city: "Mountain View",
          state: "CA",
          country: "US",
          ip: "203.0.113.24",
          user_agent:
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1",
          ttclid: "E.C.P.CsABexample0ttclid0Jordan0guest0order",
          ttp: "2Qm4ExampleTtpCookieValue0001",
        },
        properties: {
          contents: [
            { content_id: "CPD-WHT-01", content_name: "Ceramic Pour-Over Coffee Dripper", quantity: 2, price: 24 },
            { content_id: "BEAN-ETH-340", content_name: "Organic Ethiopia Yirgacheffe Beans 340 g", quantity: 1, price: 18.5 },
          ],
          content_type: "product",
          currency: "USD",
          value: 79.77,
          order_id: "5123",
        },
      },
    });
  });

  it("maps a completed order of a registered customer (DE, EUR, variation without SKU, coupon, prices incl. tax)", () => {
    const result = orderToEvent(fixture(REGISTERED), DEFAULT_ORDER_EVENT_OPTIONS);
    expect(result).toStrictEqual({
      kind: "event",
      phoneCountry: "DE",
      event: {
        event: "Purchase",
        event_id: "wc_order_5187",
        event_time: "2026-03-20T13:05:40Z",
        user: {
          email: "lena.hoffmann@example.org",
          phone: "030 1234567",
          external_id: "42",
          first_name: "Lena",
          last_name: "Hoffmann",
          zip_code: "10115",
          city: "Berlin",
          country: "DE",
          ip: "198.51.100.77",
          user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36",
          ttclid: "E.C.P.CsABexample0ttclid0Lena0registered0order",
        },
        properties: {
          contents: [
            { content_id: "418", content_name: "Merino Crew Sweater - Navy, M", quantity: 1, price: 67.310924 },
            { content_id: "BEANIE-GRY", content_name: "Wool Beanie", quantity: 2, price: 15.05042 },
          ],
          content_type: "product",
          currency: "EUR",
          value: 120.82,
          order_id: "5187",
        },
      },
    });
  });
});

describe("orderToEvent: the relay accepts what it makes", () => {
  it("guest order: valid, phone hashed as +16505550142, ids are strings, no warnings", () => {
    const { event, warnings } = prepared(fixture(GUEST));
    expect(warnings).toEqual([]);
    expect(event.event_time).toBe(seconds("2026-03-14T16:41:12"));
    expect(event.event_id).toBe("wc_order_5123");
    expect(event.user?.phone).toBe(sha("+16505550142"));
    expect(event.user?.external_id).toBeUndefined();
    const contents = event.properties?.contents as { content_id: unknown }[];
    expect(contents.map((content) => content.content_id)).toEqual(["CPD-WHT-01", "BEAN-ETH-340"]);
    for (const content of contents) expect(typeof content.content_id).toBe("string");
  });

  it("registered order: the national German number is read with the billing country (+49301234567)", () => {
    const { event, warnings } = prepared(fixture(REGISTERED));
    expect(warnings).toEqual([]);
    expect(event.user?.phone).toBe(sha("+49301234567"));
    expect(event.user?.external_id).toBe(sha("42"));
    const contents = event.properties?.contents as { content_id: unknown }[];
    expect(contents.map((content) => content.content_id)).toEqual(["418", "BEANIE-GRY"]);
    for (const content of contents) expect(typeof content.content_id).toBe("string");
    expect(event.properties?.currency).toBe("EUR");
  });

  it("fully discounted order: value 0 survives validation", () => {
    const { event } = prepared(fixture(FREE));
    expect(event.properties?.value).toBe(0);
    expect(event.properties?.currency).toBe("USD");
  });
});

describe("orderToEvent: event_id", () => {
  it("defaults to wc_order_{id}", () => {
    expect(DEFAULT_ORDER_EVENT_OPTIONS.eventIdTemplate).toBe("wc_order_{id}");
    expect(eventOf(fixture(GUEST)).event_id).toBe("wc_order_5123");
  });

  it("fills {id}, {number} and {order_key}", () => {
    const order = { ...fixture(GUEST), number: "WC-2026-0042" };
    expect(eventOf(order, { eventIdTemplate: "{id}" }).event_id).toBe("5123");
    expect(eventOf(order, { eventIdTemplate: "order-{number}" }).event_id).toBe("order-WC-2026-0042");
    expect(eventOf(order, { eventIdTemplate: "{order_key}" }).event_id).toBe("wc_order_Xk3pQ9aZ2mLbT");
    expect(eventOf(order, { eventIdTemplate: "shop1:{id}:{number}:{id}" }).event_id).toBe("shop1:5123:WC-2026-0042:5123");
    expect(eventOf(order).properties?.order_id).toBe("WC-2026-0042");
  });

  it("uses the id for {number} and order_id when the order has no number", () => {
    const { number: _, ...order } = fixture(GUEST);
    expect(eventOf(order, { eventIdTemplate: "n{number}" }).event_id).toBe("n5123");
    expect(eventOf(order).properties?.order_id).toBe("5123");
  });

  it("accepts a string id", () => {
    expect(eventOf({ ...fixture(GUEST), id: "5123" }).event_id).toBe("wc_order_5123");
  });
});

describe("orderToEvent: user", () => {
  it("gives guests (customer_id 0) no external_id", () => {
    const order = fixture(GUEST);
    expect(order.customer_id).toBe(0);
    expect(eventOf(order).user).not.toHaveProperty("external_id");
  });

  it("gives registered customers their id as a string", () => {
    expect(eventOf(fixture(REGISTERED)).user?.external_id).toBe("42");
  });

  it("leaves out empty and missing fields instead of sending empty strings", () => {
    const order = fixture(GUEST);
    order.billing = { ...order.billing, phone: "", first_name: "  ", city: undefined };
    order.customer_user_agent = "";
    const user = eventOf(order).user!;
    for (const key of ["phone", "first_name", "city", "user_agent"]) expect(user).not.toHaveProperty(key);
    expect(Object.values(user)).not.toContain("");
  });

  it("has no user at all when the order carries nothing about the shopper", () => {
    const event = eventOf({ id: 1, status: "processing", billing: { email: "" } });
    expect(event).not.toHaveProperty("user");
  });

  it("does not normalise or hash: values go to the relay as WooCommerce sent them", () => {
    const order = fixture(GUEST);
    order.billing.email = " Jordan.Rivera@Example.COM ";
    expect(eventOf(order).user?.email).toBe(" Jordan.Rivera@Example.COM ");
  });

  it("reads ttclid and ttp from meta_data in the configured order of preference", () => {
    const order = fixture(GUEST);
    order.meta_data.push({ id: 1, key: "ttclid", value: "from-ttclid" }, { id: 2, key: "ttp", value: "from-ttp" });
    // defaults: ttclid before _ttclid; _ttp before ttp
    expect(eventOf(order).user).toMatchObject({ ttclid: "from-ttclid", ttp: "2Qm4ExampleTtpCookieValue0001" });
    expect(eventOf(order, { ttclidKeys: ["_ttclid", "ttclid"], ttpKeys: ["ttp", "_ttp"] }).user).toMatchObject({
      ttclid: "E.C.P.CsABexample0ttclid0Jordan0guest0order",
      ttp: "from-ttp",
    });
  });

  it("skips empty and non-string meta values and falls through to the next key", () => {
    const order = fixture(GUEST);
    order.meta_data.push({ id: 1, key: "ttclid", value: "" }, { id: 2, key: "ttclid", value: { nested: true } });
    expect(eventOf(order).user?.ttclid).toBe("E.C.P.CsABexample0ttclid0Jordan0guest0order");
    expect(eventOf(order, { ttclidKeys: ["custom_click_id"] }).user).not.toHaveProperty("ttclid");
  });

  it("upper-cases a two-letter billing country for phoneCountry and leaves it out otherwise", () => {
    const order = fixture(REGISTERED);
    expect(mapped(orderToEvent({ ...order, billing: { ...order.billing, country: "de" } }, options())).phoneCountry).toBe("DE");
    const noCountry = mapped(orderToEvent({ ...order, billing: { ...order.billing, country: "" } }, options()));
    expect(noCountry).not.toHaveProperty("phoneCountry");
    expect(noCountry.event.user).not.toHaveProperty("country");
  });
});

describe("orderToEvent: contents and value", () => {
  it("uses the variation id when a variation has no SKU, the product id when neither", () => {
    const order = fixture(REGISTERED);
    expect(order.line_items[0].sku).toBe("");
    expect(eventOf(order).properties?.contents?.[0]?.content_id).toBe("418");
    order.line_items[0].variation_id = 0;
    expect(eventOf(order).properties?.contents?.[0]?.content_id).toBe("402");
  });

  it("computes the unit price from total / quantity when the line item has no price", () => {
    const order = fixture(GUEST);
    delete order.line_items[0].price;
    expect(eventOf(order).properties?.contents?.[0]?.price).toBe(24);
  });

  it("excludes shipping, tax, or both, from the fixture's string amounts", () => {
    for (const name of [GUEST, REGISTERED]) {
      const order = fixture(name);
      const [total, shipping, tax] = [order.total, order.shipping_total, order.total_tax].map(Number) as [number, number, number];
      expect(eventOf(order).properties?.value).toBe(total);
      expect(eventOf(order, { valueExcludes: ["shipping"] }).properties?.value).toBe(round2(total - shipping));
      expect(eventOf(order, { valueExcludes: ["tax"] }).properties?.value).toBe(round2(total - tax));
      expect(eventOf(order, { valueExcludes: ["shipping", "tax"] }).properties?.value).toBe(round2(total - shipping - tax));
    }
    // the same, written out: 79.77 − 7.95 shipping − 5.32 tax
    expect(eventOf(fixture(GUEST), { valueExcludes: ["shipping"] }).properties?.value).toBe(71.82);
    expect(eventOf(fixture(GUEST), { valueExcludes: ["tax"] }).properties?.value).toBe(74.45);
    expect(eventOf(fixture(GUEST), { valueExcludes: ["shipping", "tax"] }).properties?.value).toBe(66.5);
    // 120.82 − 4.12 − 19.29: the net item totals 67.31 + 30.10
    expect(eventOf(fixture(REGISTERED), { valueExcludes: ["tax", "shipping"] }).properties?.value).toBe(97.41);
  });

  it("keeps value 0 for a fully discounted order", () => {
    const order = fixture(FREE);
    expect(order.total).toBe("0.00");
    const properties = eventOf(order).properties!;
    expect(properties).toHaveProperty("value", 0);
    expect(properties.currency).toBe("USD");
    expect(properties.contents).toEqual([
      { content_id: "CPD-WHT-01", content_name: "Ceramic Pour-Over Coffee Dripper", quantity: 1, price: 0 },
    ]);
    expect(eventOf(order, { valueExcludes: ["shipping", "tax"] }).properties).toHaveProperty("value", 0);
  });

  it("never makes value negative", () => {
    const order = { ...fixture(GUEST), total: "5.00" };
    expect(eventOf(order, { valueExcludes: ["shipping"] }).properties?.value).toBe(0);
  });
});

describe("orderToEvent: status and event name", () => {
  it("skips a pending order, naming the status and the paid statuses", () => {
    const reason = skipReason(orderToEvent(fixture(PENDING), DEFAULT_ORDER_EVENT_OPTIONS));
    expect(reason).toBe("status pending is not a paid status (processing, completed)");
  });

  it("skips on-hold by default, accepts it when listed", () => {
    const order = { ...fixture(GUEST), status: "on-hold" };
    expect(skipReason(orderToEvent(order, options()))).toContain("on-hold");
    expect(eventOf(order, { paidStatuses: ["processing", "completed", "on-hold"] }).event_id).toBe("wc_order_5123");
  });

  it("skips a listed-by-default status that the shop removed", () => {
    expect(skipReason(orderToEvent(fixture(GUEST), options({ paidStatuses: ["completed"] })))).toBe(
      "status processing is not a paid status (completed)",
    );
  });

  it("sends Purchase by default (TikTok's current name), and the configured name when set", () => {
    expect(eventOf(fixture(GUEST)).event).toBe("Purchase");
    expect(eventOf(fixture(GUEST), { eventName: "CompletePayment" }).event).toBe("CompletePayment");
  });
});

describe("orderToEvent: event_time", () => {
  it("uses date_paid_gmt, as UTC", () => {
    expect(eventOf(fixture(REGISTERED)).event_time).toBe("2026-03-20T13:05:40Z");
  });

  it("falls back to date_created_gmt when date_paid_gmt is null or missing", () => {
    const order = fixture(GUEST);
    order.date_paid_gmt = null;
    expect(eventOf(order).event_time).toBe("2026-03-14T16:41:07Z");
    delete order.date_paid_gmt;
    expect(eventOf(order).event_time).toBe("2026-03-14T16:41:07Z");
  });

  it("leaves event_time out when neither date exists", () => {
    const order = fixture(GUEST);
    delete order.date_paid_gmt;
    order.date_created_gmt = null;
    expect(eventOf(order)).not.toHaveProperty("event_time");
  });

  it("is not changed by the local-time fields", () => {
    const order = { ...fixture(GUEST), date_paid: "2000-01-01T00:00:00", date_created: "2000-01-01T00:00:00" };
    expect(eventOf(order).event_time).toBe("2026-03-14T16:41:12Z");
  });
});

describe("orderToEvent: not an order", () => {
  it.each([
    ["null", null],
    ["a string", "webhook_id=7"],
    ["a number", 5123],
    ["an array", [fixture(GUEST)]],
    ["an object without id", { status: "processing", total: "10.00" }],
    ["an empty id", { id: "", status: "processing" }],
    ["a null id", { id: null, status: "processing" }],
  ])("skips %s", (_, input) => {
    expect(skipReason(orderToEvent(input, DEFAULT_ORDER_EVENT_OPTIONS))).toMatch(/^not a WooCommerce order/);
  });
});
