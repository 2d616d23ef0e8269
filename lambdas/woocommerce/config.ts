import { DEFAULTS, ENV, EVENT_ID_TEMPLATE } from "../contract";
import { optional } from "../core/config";
import { DEFAULT_ORDER_EVENT_OPTIONS, type OrderEventOptions } from "./order-event";

// WooCommerce settings from the environment; names and defaults from the contract (lambdas/contract).

export const DEFAULT_WOOCOMMERCE_TOPICS = [...DEFAULTS.woocommerceTopics];

export interface WooCommerceConfig {
  order: OrderEventOptions;
  /** Webhook topics that carry orders; others are answered 200 and skipped. */
  topics: string[];
  /** Test event code of order events (WOOCOMMERCE_TEST_EVENT_CODE); else the relay's TIKTOK_TEST_EVENT_CODE. */
  testEventCode?: string;
}

type Env = Record<string, string | undefined>;

const list = (env: Env, name: string): string[] | undefined =>
  optional(env, name)
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);

export function readWooCommerceConfig(env: Env): WooCommerceConfig {
  const excludes = list(env, ENV.woocommerceValueExcludes) ?? DEFAULT_ORDER_EVENT_OPTIONS.valueExcludes;
  for (const item of excludes) {
    if (item !== "shipping" && item !== "tax") {
      throw new Error(`${ENV.woocommerceValueExcludes} is "${excludes.join(",")}": expected a comma-separated list of shipping and/or tax`);
    }
  }
  const template = optional(env, ENV.woocommerceEventIdTemplate) ?? DEFAULT_ORDER_EVENT_OPTIONS.eventIdTemplate;
  if (!EVENT_ID_TEMPLATE.test(template)) {
    throw new Error(
      `${ENV.woocommerceEventIdTemplate} is "${template}": it must contain {id}, {number} or {order_key}, or every order would get the same event_id`,
    );
  }
  const testEventCode = optional(env, ENV.woocommerceTestEventCode);
  return {
    order: {
      eventName: optional(env, ENV.woocommerceEventName) ?? DEFAULT_ORDER_EVENT_OPTIONS.eventName,
      eventIdTemplate: template,
      paidStatuses: list(env, ENV.woocommercePaidStatuses) ?? DEFAULT_ORDER_EVENT_OPTIONS.paidStatuses,
      valueExcludes: excludes as OrderEventOptions["valueExcludes"],
      ttclidKeys: list(env, ENV.woocommerceTtclidKeys) ?? DEFAULT_ORDER_EVENT_OPTIONS.ttclidKeys,
      ttpKeys: list(env, ENV.woocommerceTtpKeys) ?? DEFAULT_ORDER_EVENT_OPTIONS.ttpKeys,
    },
    topics: list(env, ENV.woocommerceTopics) ?? DEFAULT_WOOCOMMERCE_TOPICS,
    ...(testEventCode ? { testEventCode } : {}),
  };
}
