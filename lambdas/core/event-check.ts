import { EVENT_SOURCES } from "./destination";
import { CONSENT, EVENT_ID, type IncomingEvent, LIMITS, PIXEL_CODE } from "./schema";

// EventSchema (schema.ts) checked by hand, for the events that pass it: zod's safeParse cost more per event than
// hashing the event's three identifiers. `checkEvent` answers with exactly what EventSchema would (the same
// object: fields in the schema's order, copies, the currency trimmed), or undefined when the event is not one it
// is sure of; then zod decides, so every refusal and its message still come from the schema. A property test
// (test/core/event-check.test.ts) holds the two together.

/** A field's check: the value zod would give back, or INVALID when unsure. */
type Check = (value: unknown) => unknown;
const INVALID = Symbol("invalid");

/** Plain objects only (what JSON.parse makes, or without a prototype): zod reads inherited fields of others. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const text =
  (max: number = LIMITS.text, min = 0): Check =>
  (value) =>
    typeof value === "string" && value.length <= max && value.length >= min ? value : INVALID;

// z.number() takes finite numbers only; wholeNumber() is a safe integer ≥ 0 (its max, int and min checks).
const isWholeNumber = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const finite: Check = (value) => (typeof value === "number" && Number.isFinite(value) ? value : INVALID);
const nonNegative: Check = (value) => (typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : INVALID);
const count: Check = (value) => (isWholeNumber(value) ? value : INVALID);
const wholeNumberOr =
  (check: Check): Check =>
  (value) =>
    isWholeNumber(value) ? value : check(value);
const stringOrNumber = (max: number) => wholeNumberOr(text(max, 1));
const textOrNumber = (max: number) => wholeNumberOr(text(max));
const oneOf =
  (values: readonly string[]): Check =>
  (value) =>
    typeof value === "string" && values.includes(value) ? value : INVALID;
const matching =
  (pattern: RegExp, max = Infinity, min = 0): Check =>
  (value) =>
    typeof value === "string" && value.length <= max && value.length >= min && pattern.test(value) ? value : INVALID;

/** An array of `min` to `max` elements, each passing `element`: a copy, as zod gives back. */
const arrayOf =
  (element: Check, max: number, min = 0): Check =>
  (value) => {
    if (!Array.isArray(value) || value.length > max || value.length < min) return INVALID;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const checked = element(value[i]);
      if (checked === INVALID) return INVALID;
      out[i] = checked;
    }
    return out;
  };

const either =
  (one: Check, other: Check): Check =>
  (value) => {
    const checked = one(value);
    return checked === INVALID ? other(value) : checked;
  };
const oneOrMany = (element: Check) => either(element, arrayOf(element, LIMITS.identifiersPerKey, 1));

/**
 * z.strictObject: no field outside `shape`, none undefined, the `required` ones present; the copy has the
 * schema's field order.
 */
function strictObject(shape: Record<string, Check>, required: readonly string[] = []): Check {
  const keys = Object.keys(shape);
  const checks = keys.map((key) => shape[key]!);
  const known = new Set(keys);
  return (value) => {
    if (!isPlainObject(value)) return INVALID;
    for (const key in value) {
      // An own undefined would stay in zod's copy as a key; rare enough to leave to zod.
      if (!known.has(key) || value[key] === undefined) return INVALID;
    }
    for (const key of required) if (value[key] === undefined) return INVALID;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const field = value[key];
      if (field === undefined) continue;
      const checked = checks[i]!(field);
      if (checked === INVALID) return INVALID;
      out[key] = checked;
    }
    return out;
  };
}

// Each shape below is the schema's, field by field and in its order.

const user = strictObject({
  email: oneOrMany(text(LIMITS.identifier)),
  phone: oneOrMany(text(LIMITS.identifier)),
  external_id: oneOrMany(stringOrNumber(LIMITS.identifier)),
  first_name: text(LIMITS.identifier),
  last_name: text(LIMITS.identifier),
  zip_code: text(64),
  city: text(LIMITS.identifier),
  state: text(LIMITS.identifier),
  country: text(64),
  ttclid: text(LIMITS.text),
  ttp: text(LIMITS.identifier),
  ip: text(64),
  user_agent: text(LIMITS.userAgent),
  locale: text(35),
});

const page = strictObject({ url: text(LIMITS.url), referrer: text(LIMITS.url) });

const content = strictObject(
  {
    content_id: stringOrNumber(LIMITS.identifier),
    content_name: text(),
    content_category: text(),
    brand: text(),
    price: nonNegative,
    quantity: count,
  },
  ["content_id"],
);

const properties = strictObject({
  contents: arrayOf(content, LIMITS.contents),
  content_ids: arrayOf(stringOrNumber(LIMITS.identifier), LIMITS.contents),
  content_type: oneOf(["product", "product_group"]),
  // z.string().trim().max(3): the copy holds the trimmed code.
  currency: (value) => {
    if (typeof value !== "string") return INVALID;
    const trimmed = value.trim();
    return trimmed.length <= 3 ? trimmed : INVALID;
  },
  value: finite,
  num_items: count,
  order_id: textOrNumber(LIMITS.identifier),
  shop_id: textOrNumber(LIMITS.identifier),
  query: text(),
  search_string: text(),
  description: text(),
  predicted_ltv: finite,
});

const lead = strictObject(
  {
    lead_id: stringOrNumber(LIMITS.identifier),
    lead_event_source: text(LIMITS.identifier, 1),
  },
  ["lead_id"],
);

const event = strictObject(
  {
    event: text(LIMITS.eventName, 1),
    event_id: matching(EVENT_ID, LIMITS.eventId, 1),
    event_time: either(finite, text(64)),
    user,
    page,
    properties,
    lead,
    limited_data_use: (value) => (typeof value === "boolean" ? value : INVALID),
    consent: oneOf(CONSENT),
    event_source: oneOf(EVENT_SOURCES),
    event_source_id: text(64, 1),
    pixel_code: matching(PIXEL_CODE),
  },
  ["event"],
);

/** What EventSchema.parse would return for `input`, or undefined when EventSchema must decide. */
export function checkEvent(input: unknown): IncomingEvent | undefined {
  const checked = event(input);
  return checked === INVALID ? undefined : (checked as IncomingEvent);
}
