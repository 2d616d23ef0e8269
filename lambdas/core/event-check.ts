import { EVENT_SOURCES } from "./destination";
import { CONSENT, EVENT_ID, type IncomingEvent, type IncomingProperties, type IncomingUser, LIMITS, PIXEL_CODE } from "./schema";

// EventSchema (schema.ts) checked by hand, for the events that pass it: zod's safeParse cost more per event than
// hashing the event's three identifiers. `checkEvent` answers with exactly what EventSchema would (a copy: the
// fields in the schema's order, lists copied, the currency trimmed), or undefined when the event is not one it is
// sure of; then zod decides, so every refusal and its message still come from the schema. A property test
// (test/core/event-check.test.ts) holds the two together.
//
// Written out field by field, with `switch`es and plain property reads: a generic table of checks cost half of
// what zod did.

type Fields = Record<string, unknown>;

/** Plain objects only (what JSON.parse makes, or without a prototype): zod reads inherited fields of others. */
function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

// Every check is false for undefined: an own field set to undefined stays in zod's copy as a key, so such an
// object is left to zod.

function isText(value: unknown, max: number, min = 0): value is string {
  return typeof value === "string" && value.length <= max && value.length >= min;
}

/** z.number(): finite numbers only. */
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** wholeNumber() in the schema: its max, int and min checks. */
const isWholeNumber = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/** stringOrNumber(max) in the schema. */
const isId = (value: unknown, max: number) => isWholeNumber(value) || isText(value, max, 1);

/** textOrNumber(max) in the schema. */
const isTextOrNumber = (value: unknown, max: number) => isWholeNumber(value) || isText(value, max);

/** A list of 1 to identifiersPerKey elements (oneOrMany, oneOrManyIds). */
function isShortList(value: unknown[], element: (item: unknown) => boolean): boolean {
  if (value.length < 1 || value.length > LIMITS.identifiersPerKey) return false;
  for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
  return true;
}

const isIdentifierText = (value: unknown) => isText(value, LIMITS.identifier);
const isIdentifierId = (value: unknown) => isId(value, LIMITS.identifier);

/** oneOrMany(identifier): a string, or a list of them. */
const isTextOrTexts = (value: unknown) => isIdentifierText(value) || (Array.isArray(value) && isShortList(value, isIdentifierText));
/** oneOrManyIds(identifier): an id, or a list of them. */
const isIdOrIds = (value: unknown) => isIdentifierId(value) || (Array.isArray(value) && isShortList(value, isIdentifierId));

/** A list as zod gives it back: a copy. */
const copy = <T>(value: T): T => (Array.isArray(value) ? (value.slice() as T) : value);

function checkUser(user: unknown): IncomingUser | undefined {
  if (!isPlainObject(user)) return undefined;
  for (const key in user) {
    const value = user[key];
    switch (key) {
      case "email":
      case "phone":
        if (!isTextOrTexts(value)) return undefined;
        break;
      case "external_id":
        if (!isIdOrIds(value)) return undefined;
        break;
      case "first_name":
      case "last_name":
      case "city":
      case "state":
      case "ttp":
        if (!isText(value, LIMITS.identifier)) return undefined;
        break;
      case "zip_code":
      case "country":
      case "ip":
        if (!isText(value, 64)) return undefined;
        break;
      case "ttclid":
        if (!isText(value, LIMITS.text)) return undefined;
        break;
      case "user_agent":
        if (!isText(value, LIMITS.userAgent)) return undefined;
        break;
      case "locale":
        if (!isText(value, 35)) return undefined;
        break;
      default:
        return undefined;
    }
  }
  const given = user as IncomingUser;
  const out: IncomingUser = {};
  if (given.email !== undefined) out.email = copy(given.email);
  if (given.phone !== undefined) out.phone = copy(given.phone);
  if (given.external_id !== undefined) out.external_id = copy(given.external_id);
  if (given.first_name !== undefined) out.first_name = given.first_name;
  if (given.last_name !== undefined) out.last_name = given.last_name;
  if (given.zip_code !== undefined) out.zip_code = given.zip_code;
  if (given.city !== undefined) out.city = given.city;
  if (given.state !== undefined) out.state = given.state;
  if (given.country !== undefined) out.country = given.country;
  if (given.ttclid !== undefined) out.ttclid = given.ttclid;
  if (given.ttp !== undefined) out.ttp = given.ttp;
  if (given.ip !== undefined) out.ip = given.ip;
  if (given.user_agent !== undefined) out.user_agent = given.user_agent;
  if (given.locale !== undefined) out.locale = given.locale;
  return out;
}

function checkPage(page: unknown): IncomingEvent["page"] {
  if (!isPlainObject(page)) return undefined;
  for (const key in page) {
    if ((key !== "url" && key !== "referrer") || !isText(page[key], LIMITS.url)) return undefined;
  }
  const out: NonNullable<IncomingEvent["page"]> = {};
  if (page.url !== undefined) out.url = page.url as string;
  if (page.referrer !== undefined) out.referrer = page.referrer as string;
  return out;
}

type Content = NonNullable<IncomingProperties["contents"]>[number];

function checkContent(content: unknown): Content | undefined {
  if (!isPlainObject(content)) return undefined;
  for (const key in content) {
    const value = content[key];
    switch (key) {
      case "content_id":
        if (!isIdentifierId(value)) return undefined;
        break;
      case "content_name":
      case "content_category":
      case "brand":
        if (!isText(value, LIMITS.text)) return undefined;
        break;
      case "price":
        if (!isFiniteNumber(value) || value < 0) return undefined;
        break;
      case "quantity":
        if (!isWholeNumber(value)) return undefined;
        break;
      default:
        return undefined;
    }
  }
  const given = content as Content;
  if (given.content_id === undefined) return undefined;
  const out: Content = { content_id: given.content_id };
  if (given.content_name !== undefined) out.content_name = given.content_name;
  if (given.content_category !== undefined) out.content_category = given.content_category;
  if (given.brand !== undefined) out.brand = given.brand;
  if (given.price !== undefined) out.price = given.price;
  if (given.quantity !== undefined) out.quantity = given.quantity;
  return out;
}

function checkContents(contents: unknown): Content[] | undefined {
  if (!Array.isArray(contents) || contents.length > LIMITS.contents) return undefined;
  const out: Content[] = new Array(contents.length);
  for (let i = 0; i < contents.length; i++) {
    const content = checkContent(contents[i]);
    if (!content) return undefined;
    out[i] = content;
  }
  return out;
}

function checkProperties(properties: unknown): IncomingProperties | undefined {
  if (!isPlainObject(properties)) return undefined;
  let contents: Content[] | undefined;
  for (const key in properties) {
    const value = properties[key];
    switch (key) {
      case "contents":
        contents = checkContents(value);
        if (!contents) return undefined;
        break;
      case "content_ids":
        if (!Array.isArray(value) || value.length > LIMITS.contents) return undefined;
        for (let i = 0; i < value.length; i++) if (!isIdentifierId(value[i])) return undefined;
        break;
      case "content_type":
        if (value !== "product" && value !== "product_group") return undefined;
        break;
      // z.string().trim().max(3): measured trimmed; the copy holds the trimmed code.
      case "currency":
        if (typeof value !== "string" || value.trim().length > 3) return undefined;
        break;
      case "value":
      case "predicted_ltv":
        if (!isFiniteNumber(value)) return undefined;
        break;
      case "num_items":
        if (!isWholeNumber(value)) return undefined;
        break;
      case "order_id":
      case "shop_id":
        if (!isTextOrNumber(value, LIMITS.identifier)) return undefined;
        break;
      case "query":
      case "search_string":
      case "description":
        if (!isText(value, LIMITS.text)) return undefined;
        break;
      default:
        return undefined;
    }
  }
  const given = properties as IncomingProperties;
  const out: IncomingProperties = {};
  if (contents) out.contents = contents;
  if (given.content_ids !== undefined) out.content_ids = given.content_ids.slice();
  if (given.content_type !== undefined) out.content_type = given.content_type;
  if (given.currency !== undefined) out.currency = given.currency.trim();
  if (given.value !== undefined) out.value = given.value;
  if (given.num_items !== undefined) out.num_items = given.num_items;
  if (given.order_id !== undefined) out.order_id = given.order_id;
  if (given.shop_id !== undefined) out.shop_id = given.shop_id;
  if (given.query !== undefined) out.query = given.query;
  if (given.search_string !== undefined) out.search_string = given.search_string;
  if (given.description !== undefined) out.description = given.description;
  if (given.predicted_ltv !== undefined) out.predicted_ltv = given.predicted_ltv;
  return out;
}

function checkLead(lead: unknown): IncomingEvent["lead"] {
  if (!isPlainObject(lead)) return undefined;
  for (const key in lead) {
    if (key === "lead_id") {
      if (!isIdentifierId(lead[key])) return undefined;
    } else if (key !== "lead_event_source" || !isText(lead[key], LIMITS.identifier, 1)) return undefined;
  }
  if (lead.lead_id === undefined) return undefined;
  const out: NonNullable<IncomingEvent["lead"]> = { lead_id: lead.lead_id as string | number };
  if (lead.lead_event_source !== undefined) out.lead_event_source = lead.lead_event_source as string;
  return out;
}

/** What EventSchema.parse would return for `input`, or undefined when EventSchema must decide. */
export function checkEvent(input: unknown): IncomingEvent | undefined {
  if (!isPlainObject(input)) return undefined;
  let user: IncomingUser | undefined;
  let page: IncomingEvent["page"];
  let properties: IncomingProperties | undefined;
  let lead: IncomingEvent["lead"];
  for (const key in input) {
    const value = input[key];
    switch (key) {
      case "event":
        if (!isText(value, LIMITS.eventName, 1)) return undefined;
        break;
      case "event_id":
        if (!isText(value, LIMITS.eventId, 1) || !EVENT_ID.test(value)) return undefined;
        break;
      case "event_time":
        if (!isFiniteNumber(value) && !isText(value, 64)) return undefined;
        break;
      case "user":
        user = checkUser(value);
        if (!user) return undefined;
        break;
      case "page":
        page = checkPage(value);
        if (!page) return undefined;
        break;
      case "properties":
        properties = checkProperties(value);
        if (!properties) return undefined;
        break;
      case "lead":
        lead = checkLead(value);
        if (!lead) return undefined;
        break;
      case "limited_data_use":
        if (typeof value !== "boolean") return undefined;
        break;
      case "consent":
        if (!(CONSENT as readonly unknown[]).includes(value)) return undefined;
        break;
      case "event_source":
        if (!(EVENT_SOURCES as readonly unknown[]).includes(value)) return undefined;
        break;
      case "event_source_id":
        if (!isText(value, 64, 1)) return undefined;
        break;
      case "pixel_code":
        if (typeof value !== "string" || !PIXEL_CODE.test(value)) return undefined;
        break;
      default:
        return undefined;
    }
  }
  const given = input as IncomingEvent;
  if (given.event === undefined) return undefined;
  const out: IncomingEvent = { event: given.event };
  if (given.event_id !== undefined) out.event_id = given.event_id;
  if (given.event_time !== undefined) out.event_time = given.event_time;
  if (user) out.user = user;
  if (page) out.page = page;
  if (properties) out.properties = properties;
  if (lead) out.lead = lead;
  if (given.limited_data_use !== undefined) out.limited_data_use = given.limited_data_use;
  if (given.consent !== undefined) out.consent = given.consent;
  if (given.event_source !== undefined) out.event_source = given.event_source;
  if (given.event_source_id !== undefined) out.event_source_id = given.event_source_id;
  if (given.pixel_code !== undefined) out.pixel_code = given.pixel_code;
  return out;
}
