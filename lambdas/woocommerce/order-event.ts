import { DEFAULTS } from "../contract";
import type { IncomingEvent, IncomingProperties, IncomingUser } from "../core/schema";
import { decodeHtmlEntities } from "./html-entities";

// A WooCommerce order (REST API v3 JSON, as an order webhook delivers it) → the relay's incoming event.
// Pure: no I/O, no normalising, no hashing; prepareEvent does that afterwards. WooCommerce sends "" for
// unknown fields and money as strings, so every field is read defensively and empty values are left out.

export interface OrderEventOptions {
  /** TikTok event name: "Purchase" (default), or the legacy "CompletePayment" a shop's pixel may still send. */
  eventName: string;
  /** event_id template with placeholders {id}, {number}, {order_key}; default "wc_order_{id}". Must match what the shop's pixel sends. */
  eventIdTemplate: string;
  /** Order statuses that are purchases; default ["processing", "completed"]. */
  paidStatuses: string[];
  /** What to leave out of `value`: [] (order total, default), or any of "shipping", "tax". */
  valueExcludes: ("shipping" | "tax")[];
  /** meta_data keys holding the TikTok click id, in order of preference; default ["ttclid", "_ttclid"]. */
  ttclidKeys: string[];
  /** meta_data keys holding the _ttp cookie; default ["_ttp", "ttp"]. */
  ttpKeys: string[];
}

export const DEFAULT_ORDER_EVENT_OPTIONS: OrderEventOptions = {
  eventName: DEFAULTS.woocommerceEventName,
  eventIdTemplate: DEFAULTS.woocommerceEventIdTemplate,
  paidStatuses: [...DEFAULTS.woocommercePaidStatuses],
  valueExcludes: [...DEFAULTS.woocommerceValueExcludes],
  ttclidKeys: [...DEFAULTS.woocommerceTtclidKeys],
  ttpKeys: [...DEFAULTS.woocommerceTtpKeys],
};

export type OrderEvent =
  | {
      kind: "event";
      event: IncomingEvent;
      /** billing country (ISO alpha-2, upper-case) to read national phone numbers with, if the order has one */
      phoneCountry?: string;
    }
  | { kind: "skip"; reason: string };

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The string itself when it has something besides whitespace; WooCommerce sends "" for unknown fields. */
function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** A name as people read it: WordPress hands names out HTML-encoded ("Ship Your Idea &ndash; Color: Black"). */
function name(value: unknown): string | undefined {
  const text = nonEmpty(value);
  return text === undefined ? undefined : decodeHtmlEntities(text);
}

/** A number, or a numeric string as WooCommerce sends money ("12.50"). */
function amount(value: unknown): number | undefined {
  const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** The first non-empty string value among the order's meta_data entries, keys in order of preference. */
function metaValue(metaData: unknown, keys: string[]): string | undefined {
  const entries = Array.isArray(metaData) ? metaData.filter(isRecord) : [];
  for (const key of keys) {
    for (const entry of entries) {
      const value = entry.key === key ? nonEmpty(entry.value) : undefined;
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** Drops undefined keys so that absent fields are absent, not present-and-undefined. */
function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** WooCommerce's *_gmt dates carry no zone ("2026-01-01T10:00:00") but are UTC. */
function gmtToIso(value: unknown): string | undefined {
  const date = nonEmpty(value)?.trim();
  if (date === undefined) return undefined;
  return /(Z|[+-]\d{2}:?\d{2})$/i.test(date) ? date : `${date}Z`;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function orderToEvent(order: unknown, options: OrderEventOptions): OrderEvent {
  const id = isRecord(order) ? order.id : undefined;
  if (!isRecord(order) || !((typeof id === "number" && Number.isFinite(id)) || nonEmpty(id))) {
    return { kind: "skip", reason: "not a WooCommerce order: expected an object with an id" };
  }
  const status = nonEmpty(order.status) ?? "(none)";
  if (!options.paidStatuses.includes(status)) {
    return { kind: "skip", reason: `status ${status} is not a paid status (${options.paidStatuses.join(", ")})` };
  }

  const orderId = String(id);
  const number = nonEmpty(order.number) ?? (typeof order.number === "number" ? String(order.number) : orderId);
  const placeholders: Json = { id: orderId, number, order_key: nonEmpty(order.order_key) ?? "" };
  const eventId = options.eventIdTemplate.replace(/\{(id|number|order_key)\}/g, (_, name: string) => String(placeholders[name]));

  const billing = isRecord(order.billing) ? order.billing : {};
  const customerId = amount(order.customer_id);
  const user: IncomingUser = compact({
    email: nonEmpty(billing.email),
    phone: nonEmpty(billing.phone),
    external_id: customerId !== undefined && customerId > 0 ? String(order.customer_id) : undefined,
    first_name: name(billing.first_name),
    last_name: name(billing.last_name),
    zip_code: nonEmpty(billing.postcode),
    city: name(billing.city),
    state: nonEmpty(billing.state),
    country: nonEmpty(billing.country),
    ip: nonEmpty(order.customer_ip_address),
    user_agent: nonEmpty(order.customer_user_agent),
    ttclid: metaValue(order.meta_data, options.ttclidKeys),
    ttp: metaValue(order.meta_data, options.ttpKeys),
  });

  const event: IncomingEvent = compact({
    event: options.eventName,
    event_id: eventId,
    event_time: gmtToIso(order.date_paid_gmt) ?? gmtToIso(order.date_created_gmt),
    user: Object.keys(user).length > 0 ? user : undefined,
    properties: orderProperties(order, number, options.valueExcludes),
  });

  const country = nonEmpty(billing.country)?.trim();
  const phoneCountry = country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined;
  return compact({ kind: "event" as const, event, phoneCountry });
}

function orderProperties(order: Json, number: string, excludes: OrderEventOptions["valueExcludes"]): IncomingProperties {
  const contents = (Array.isArray(order.line_items) ? order.line_items : []).filter(isRecord).flatMap((item) => {
    const variationId = amount(item.variation_id) ?? 0;
    const productId = amount(item.product_id);
    const contentId =
      nonEmpty(item.sku) ?? (variationId > 0 ? String(item.variation_id) : productId !== undefined ? String(item.product_id) : undefined);
    if (contentId === undefined) return [];
    const quantity = amount(item.quantity);
    const total = amount(item.total);
    const price = amount(item.price) ?? (total !== undefined && quantity ? total / quantity : undefined);
    return [
      compact({
        content_id: contentId,
        content_name: name(item.name),
        quantity: quantity !== undefined && Number.isInteger(quantity) && quantity >= 0 ? quantity : undefined,
        price: price !== undefined && price >= 0 ? price : undefined,
      }),
    ];
  });

  const total = amount(order.total);
  const excluded =
    (excludes.includes("shipping") ? (amount(order.shipping_total) ?? 0) : 0) +
    (excludes.includes("tax") ? (amount(order.total_tax) ?? 0) : 0);
  // 0 is a value (a fully discounted order) and is kept; only a missing total leaves value out.
  const value = total === undefined ? undefined : Math.max(0, round2(total - excluded));

  return compact({
    contents: contents.length > 0 ? contents : undefined,
    content_type: contents.length > 0 ? ("product" as const) : undefined,
    currency: nonEmpty(order.currency),
    value,
    order_id: number,
  });
}
