import { describe, expect, it } from "vitest";
import { DEFAULT_WOOCOMMERCE_TOPICS, readWooCommerceConfig } from "../../lambdas/woocommerce/config";
import { parseSecrets } from "../../lambdas/woocommerce/signature";

describe("WooCommerce settings", () => {
  it("has the documented defaults", () => {
    expect(readWooCommerceConfig({})).toEqual({
      order: {
        eventName: "Purchase",
        eventIdTemplate: "wc_order_{id}",
        paidStatuses: ["processing", "completed"],
        valueExcludes: [],
        ttclidKeys: ["ttclid", "_ttclid"],
        ttpKeys: ["_ttp", "ttp"],
      },
      topics: DEFAULT_WOOCOMMERCE_TOPICS,
    });
  });

  it("reads comma-separated lists, trimmed", () => {
    const config = readWooCommerceConfig({
      WOOCOMMERCE_PAID_STATUSES: "processing, on-hold ,completed",
      WOOCOMMERCE_VALUE_EXCLUDES: "tax, shipping",
    });
    expect(config.order.paidStatuses).toEqual(["processing", "on-hold", "completed"]);
    expect(config.order.valueExcludes).toEqual(["tax", "shipping"]);
  });

  it("refuses a template without a placeholder (every order would share one event_id) and unknown excludes", () => {
    expect(() => readWooCommerceConfig({ WOOCOMMERCE_EVENT_ID_TEMPLATE: "order" })).toThrow(/WOOCOMMERCE_EVENT_ID_TEMPLATE .*\{id\}/);
    expect(() => readWooCommerceConfig({ WOOCOMMERCE_VALUE_EXCLUDES: "fees" })).toThrow(/WOOCOMMERCE_VALUE_EXCLUDES/);
  });

  it("separates rotated secrets by line only: a WooCommerce-generated secret may hold commas and spaces", () => {
    expect(parseSecrets("a,b c!\nsecond\r\n")).toEqual(["a,b c!", "second"]);
  });
});
