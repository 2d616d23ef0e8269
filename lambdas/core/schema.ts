// The namespace import lets the bundler keep only the parts of zod used here (the named `z` pulls in all of
// zod, locales included: about 440 KB of each bundle).
import * as z from "zod";
import { EVENT_SOURCES } from "./destination";
import { PIXEL_CODE } from "./pixel-code";

export { PIXEL_CODE };

// The event a caller posts: TikTok's v1.3 event shape, identifiers in plain text or already SHA-256
// hashed. Objects are strict so a misspelt field is an error that names it, not data silently dropped.
// Every string has a maximum length so that nothing is truncated without anyone noticing.

export const LIMITS = {
  eventsPerRequest: 1000,
  eventName: 100,
  eventId: 128,
  identifier: 256,
  identifiersPerKey: 10,
  url: 2048,
  userAgent: 1024,
  text: 1024,
  contents: 1000,
} as const;

const text = (max: number = LIMITS.text) => z.string().max(max);
const oneOrMany = (max: number) =>
  z.union([text(max), z.array(text(max)).min(1).max(LIMITS.identifiersPerKey)], {
    error: `expected a string or an array of 1 to ${LIMITS.identifiersPerKey} strings`,
  });
// Numeric ids must survive String() unchanged (1e21 would become "1e+21"): larger ones go as strings.
const wholeNumber = () =>
  z.number().max(Number.MAX_SAFE_INTEGER, "is a number too large to keep its digits: send it as a string").int().min(0);
const stringOrNumber = (max: number) =>
  z.union([text(max).min(1), wholeNumber()], {
    error: "expected a non-empty string, or a whole number up to 2^53 (send larger ids as strings)",
  });
/** A text field that may also come as a whole number (an order id); an empty string stays allowed, as before. */
const textOrNumber = (max: number) =>
  z.union([text(max), wholeNumber()], { error: "expected a string, or a whole number up to 2^53 (send larger ids as strings)" });

// Segment sends external_id as an array on every event and RudderStack hashes each element; shops' customer
// ids are often numbers.
const oneOrManyIds = (max: number) =>
  z.union([stringOrNumber(max), z.array(stringOrNumber(max)).min(1).max(LIMITS.identifiersPerKey)], {
    error: `expected a string, a whole number, or an array of 1 to ${LIMITS.identifiersPerKey} of them`,
  });

export const UserSchema = z.strictObject({
  email: oneOrMany(LIMITS.identifier).optional(),
  phone: oneOrMany(LIMITS.identifier).optional(),
  external_id: oneOrManyIds(LIMITS.identifier).optional(),
  first_name: text(LIMITS.identifier).optional(),
  last_name: text(LIMITS.identifier).optional(),
  zip_code: text(64).optional(),
  city: text(LIMITS.identifier).optional(),
  state: text(LIMITS.identifier).optional(),
  country: text(64).optional(),
  ttclid: text(LIMITS.text).optional(),
  ttp: text(LIMITS.identifier).optional(),
  ip: text(64).optional(),
  user_agent: text(LIMITS.userAgent).optional(),
  locale: text(35).optional(),
});

export const PageSchema = z.strictObject({
  url: text(LIMITS.url).optional(),
  referrer: text(LIMITS.url).optional(),
});

const nonNegative = z.number().finite().nonnegative();

export const ContentSchema = z.strictObject({
  content_id: stringOrNumber(LIMITS.identifier),
  content_name: text().optional(),
  content_category: text().optional(),
  brand: text().optional(),
  price: nonNegative.optional(),
  quantity: z.number().int().nonnegative().optional(),
});

export const PropertiesSchema = z.strictObject({
  contents: z.array(ContentSchema).max(LIMITS.contents).optional(),
  content_ids: z.array(stringOrNumber(LIMITS.identifier)).max(LIMITS.contents).optional(),
  content_type: z.enum(["product", "product_group"]).optional(),
  currency: z.string().trim().max(3).optional(),
  value: z.number().finite().optional(),
  num_items: z.number().int().nonnegative().optional(),
  // Strings at TikTok; WooCommerce order ids are integers (RudderStack turns numbers into strings too).
  order_id: textOrNumber(LIMITS.identifier).optional(),
  shop_id: textOrNumber(LIMITS.identifier).optional(),
  query: text().optional(),
  search_string: text().optional(),
  description: text().optional(),
  predicted_ltv: z.number().finite().optional(),
});

/**
 * A CRM event's lead (event_source "crm"): the id TikTok gave the lead (lead forms, Leads Center) and the
 * CRM's name. Shape from Segment's tiktok-conversions CRM fields; TikTok's "How to postback signals through
 * Events API" (https://ads.tiktok.com/help/article/how-to-postback-signals-through-events-api).
 */
export const LeadSchema = z.strictObject({
  // TikTok's lead ids are long numbers: as JSON numbers above 2^53 they would lose digits, hence the limit.
  lead_id: stringOrNumber(LIMITS.identifier),
  lead_event_source: text(LIMITS.identifier).min(1).optional(),
});

/** An event_id the pixel can send too: something visible, no control characters. */
export const EVENT_ID = /^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$/;

/** A shopper's consent to advertising use of their data, as the shop's consent tool recorded it. */
export const CONSENT = ["granted", "denied"] as const;

export const EventSchema = z.strictObject({
  event: text(LIMITS.eventName).min(1),
  event_id: text(LIMITS.eventId).min(1).regex(EVENT_ID, "must have visible characters and no control characters").optional(),
  event_time: z.union([z.number(), text(64)], { error: "expected UNIX seconds, UNIX milliseconds or an ISO-8601 string" }).optional(),
  user: UserSchema.optional(),
  page: PageSchema.optional(),
  properties: PropertiesSchema.optional(),
  lead: LeadSchema.optional(),
  limited_data_use: z.boolean().optional(),
  consent: z.enum(CONSENT, { error: 'expected "granted" or "denied"' }).optional(),
  event_source: z
    .enum(EVENT_SOURCES, { error: `expected ${EVENT_SOURCES.join(", ")} (app events are not supported: see the README)` })
    .optional(),
  event_source_id: text(64).min(1).optional(),
  pixel_code: z.string().regex(PIXEL_CODE, "expected a TikTok pixel code (10 to 32 letters and digits)").optional(),
});

export type IncomingEvent = z.infer<typeof EventSchema>;
export type IncomingUser = z.infer<typeof UserSchema>;
export type IncomingProperties = z.infer<typeof PropertiesSchema>;

/** What TikTok receives as one element of `data[]`; identifiers already hashed. */
export interface TikTokEvent {
  event: string;
  event_time: number;
  event_id: string;
  user?: Record<string, string | string[]>;
  page?: { url?: string; referrer?: string };
  properties?: Record<string, unknown>;
  /** CRM events only. */
  lead?: { lead_id: string; lead_event_source?: string };
  limited_data_use?: boolean;
}

/** A problem with one event, as a caller sees it in a 400 or a warning. */
export interface EventIssue {
  index: number;
  path: string;
  message: string;
}
