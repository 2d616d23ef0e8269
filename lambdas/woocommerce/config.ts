import { optional } from "../core/config";
import { DEFAULT_ORDER_EVENT_OPTIONS, type OrderEventOptions } from "./order-event";

// WooCommerce settings from the environment; each has one default (DEFAULT_ORDER_EVENT_OPTIONS and below).

export const DEFAULT_WOOCOMMERCE_TOPICS = ["order.created", "order.updated", "order.paid"];

export interface WooCommerceConfig {
  order: OrderEventOptions;
  /** Webhook topics that carry orders; others are answered 200 and skipped. */
  topics: string[];
}

type Env = Record<string, string | undefined>;

const list = (env: Env, name: string): string[] | undefined =>
  optional(env, name)
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);

export function readWooCommerceConfig(env: Env): WooCommerceConfig {
  const excludes = list(env, "WOOCOMMERCE_VALUE_EXCLUDES") ?? DEFAULT_ORDER_EVENT_OPTIONS.valueExcludes;
  for (const item of excludes) {
    if (item !== "shipping" && item !== "tax") {
      throw new Error(`WOOCOMMERCE_VALUE_EXCLUDES is "${excludes.join(",")}": expected a comma-separated list of shipping and/or tax`);
    }
  }
  const template = optional(env, "WOOCOMMERCE_EVENT_ID_TEMPLATE") ?? DEFAULT_ORDER_EVENT_OPTIONS.eventIdTemplate;
  if (!/\{(id|number|order_key)\}/.test(template)) {
    throw new Error(`WOOCOMMERCE_EVENT_ID_TEMPLATE is "${template}": it must contain {id}, {number} or {order_key}, or every order would get the same event_id`);
  }
  return {
    order: {
      eventName: optional(env, "WOOCOMMERCE_EVENT_NAME") ?? DEFAULT_ORDER_EVENT_OPTIONS.eventName,
      eventIdTemplate: template,
      paidStatuses: list(env, "WOOCOMMERCE_PAID_STATUSES") ?? DEFAULT_ORDER_EVENT_OPTIONS.paidStatuses,
      valueExcludes: excludes as OrderEventOptions["valueExcludes"],
      ttclidKeys: list(env, "WOOCOMMERCE_TTCLID_KEYS") ?? DEFAULT_ORDER_EVENT_OPTIONS.ttclidKeys,
      ttpKeys: list(env, "WOOCOMMERCE_TTP_KEYS") ?? DEFAULT_ORDER_EVENT_OPTIONS.ttpKeys,
    },
    topics: list(env, "WOOCOMMERCE_TOPICS") ?? DEFAULT_WOOCOMMERCE_TOPICS,
  };
}
