import { isIP } from "node:net";
import { CURRENT_EVENTS, STANDARD_EVENTS } from "../../lambdas/core/event-names";
import { type Answer, ok, type Responder } from "./fake-tiktok";

// A fake TikTok that refuses what TikTok's /event/track/ refuses, as far as public sources show it (the
// shared reference tiktok-events-api.md; RudderStack's recorded 40002 answers; Segment's CRM and offline
// destinations): a wrong shape is answered like TikTok answers it, HTTP 200 with a non-zero code and a message
// naming the field by its path ("data.0.properties.contents.0.content_id: Not a valid string."). Wrap any
// responder with strict() so a test fails loudly when the relay sends what TikTok would refuse.

export interface Refusal {
  code: number;
  message: string;
}

const TOP_LEVEL = new Set(["event_source", "event_source_id", "test_event_code", "partner_name", "data"]);
const EVENT = new Set(["event", "event_time", "event_id", "user", "page", "properties", "limited_data_use", "lead"]);
const HASHED = ["email", "phone", "external_id", "first_name", "last_name", "zip_code"] as const;
const PLAIN = ["city", "state", "country", "ttclid", "ttp", "user_agent", "locale", "ip"] as const;
const USER = new Set<string>([...HASHED, ...PLAIN]);
const PROPERTIES = new Set([
  "contents",
  "content_type",
  "currency",
  "value",
  "order_id",
  "shop_id",
  "query",
  "description",
  "content_ids",
  "num_items",
  "search_string",
  "predicted_ltv",
]);
const CONTENT = new Set(["content_id", "content_name", "content_category", "brand", "price", "quantity"]);
const LEAD = new Set(["lead_id", "lead_event_source"]);
const SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Every reason TikTok would refuse this request body (empty: it would take it). */
export function tiktokRefusals(body: unknown): Refusal[] {
  const refusals: Refusal[] = [];
  const refuse = (path: string, message: string, code = 40002) => refusals.push({ code, message: `${path}: ${message}` });
  const unknownFields = (value: Json, allowed: Set<string>, path: string) => {
    for (const key of Object.keys(value)) if (!allowed.has(key)) refuse(path ? `${path}.${key}` : key, "Unknown field.");
  };
  if (!isObject(body)) {
    refuse("(body)", "Invalid input type.");
    return refusals;
  }
  unknownFields(body, TOP_LEVEL, "");
  const source = body.event_source;
  if (source === "app") refuse("event_source", "app events are not modelled by this fake.");
  else if (source !== "web" && source !== "offline" && source !== "crm") refuse("event_source", "Must be one of: web, app, offline, crm.");
  if (typeof body.event_source_id !== "string" || body.event_source_id === "")
    refuse("event_source_id", "Missing data for required field.");
  if (body.test_event_code !== undefined && (typeof body.test_event_code !== "string" || body.test_event_code === "")) {
    refuse("test_event_code", "Not a valid string.");
  }
  if (!Array.isArray(body.data) || body.data.length === 0) {
    refuse("data", "Missing data for required field.");
    return refusals;
  }
  if (body.data.length > 1000) refuse("data", "Length must be between 1 and 1000.", 40061);
  for (const [i, event] of body.data.entries()) checkEvent(event, `data.${i}`, source, refuse, unknownFields);
  return refusals;
}

function checkEvent(
  event: unknown,
  path: string,
  source: unknown,
  refuse: (path: string, message: string, code?: number) => void,
  unknownFields: (value: Json, allowed: Set<string>, path: string) => void,
): void {
  if (!isObject(event)) {
    refuse(path, "Invalid input type.");
    return;
  }
  // test_event_code inside data[] is the mistake Segment's offline destination ships: TikTok answers 40002.
  unknownFields(event, EVENT, path);
  if (typeof event.event !== "string" || event.event === "") refuse(`${path}.event`, "Missing data for required field.");
  else if (source === "offline" && !(STANDARD_EVENTS as readonly string[]).includes(event.event)) {
    refuse(`${path}.event`, `Offline events must be standard events (${CURRENT_EVENTS.join(", ")}).`);
  }
  const time = event.event_time;
  if (typeof time !== "number" || !Number.isInteger(time) || time < 1_000_000_000 || time >= 100_000_000_000) {
    refuse(`${path}.event_time`, "Not a valid UNIX timestamp in seconds.");
  }
  if (event.event_id !== undefined && typeof event.event_id !== "string") refuse(`${path}.event_id`, "Not a valid string.");
  if (event.limited_data_use !== undefined && typeof event.limited_data_use !== "boolean") {
    refuse(`${path}.limited_data_use`, "Not a valid boolean.");
  }

  if (event.user !== undefined) {
    const user = event.user;
    if (!isObject(user)) refuse(`${path}.user`, "Invalid input type.");
    else {
      unknownFields(user, USER, `${path}.user`);
      for (const key of HASHED) {
        const value = user[key];
        if (value === undefined) continue;
        const values = Array.isArray(value) ? value : [value];
        if (values.some((item) => typeof item !== "string" || !SHA256.test(item))) {
          refuse(`${path}.user.${key}`, "PII must be SHA-256 hashed (64 lower-case hex characters).", 40062);
        }
      }
      for (const key of PLAIN)
        if (user[key] !== undefined && typeof user[key] !== "string") refuse(`${path}.user.${key}`, "Not a valid string.");
      if (typeof user.ip === "string" && !isIP(user.ip)) refuse(`${path}.user.ip`, "Not a valid IP address.");
    }
  }

  if (event.page !== undefined) {
    const page = event.page;
    if (!isObject(page)) refuse(`${path}.page`, "Invalid input type.");
    else {
      unknownFields(page, new Set(["url", "referrer"]), `${path}.page`);
      for (const key of ["url", "referrer"])
        if (page[key] !== undefined && typeof page[key] !== "string") refuse(`${path}.page.${key}`, "Not a valid string.");
    }
  }

  if (event.properties !== undefined) checkProperties(event.properties, `${path}.properties`, refuse, unknownFields);

  // CRM events carry the TikTok lead they report on; lead_id is required (Segment's CRM fields; TikTok's
  // "How to postback signals through Events API").
  if (source === "crm") {
    const lead = event.lead;
    if (!isObject(lead)) refuse(`${path}.lead.lead_id`, "Missing data for required field.");
    else {
      unknownFields(lead, LEAD, `${path}.lead`);
      if (typeof lead.lead_id !== "string" || lead.lead_id === "") refuse(`${path}.lead.lead_id`, "Missing data for required field.");
      if (lead.lead_event_source !== undefined && typeof lead.lead_event_source !== "string") {
        refuse(`${path}.lead.lead_event_source`, "Not a valid string.");
      }
    }
  }
}

function checkProperties(
  properties: unknown,
  path: string,
  refuse: (path: string, message: string, code?: number) => void,
  unknownFields: (value: Json, allowed: Set<string>, path: string) => void,
): void {
  if (!isObject(properties)) {
    refuse(path, "Invalid input type.");
    return;
  }
  unknownFields(properties, PROPERTIES, path);
  const string = (key: string) => {
    if (properties[key] !== undefined && typeof properties[key] !== "string") refuse(`${path}.${key}`, "Not a valid string.");
  };
  const number = (key: string) => {
    const value = properties[key];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value))) refuse(`${path}.${key}`, "Not a valid number.");
  };
  for (const key of ["currency", "order_id", "shop_id", "query", "description", "search_string"]) string(key);
  for (const key of ["value", "predicted_ltv"]) number(key);
  if (properties.num_items !== undefined && !Number.isInteger(properties.num_items)) refuse(`${path}.num_items`, "Not a valid integer.");
  if (properties.content_type !== undefined && properties.content_type !== "product" && properties.content_type !== "product_group") {
    refuse(`${path}.content_type`, "Must be one of: product, product_group.");
  }
  if (properties.content_ids !== undefined) {
    const ids = properties.content_ids;
    if (!Array.isArray(ids)) refuse(`${path}.content_ids`, "Not a valid list.");
    else for (const [i, id] of ids.entries()) if (typeof id !== "string") refuse(`${path}.content_ids.${i}`, "Not a valid string.");
  }
  if (properties.contents !== undefined) {
    const contents = properties.contents;
    if (!Array.isArray(contents)) {
      refuse(`${path}.contents`, "Not a valid list.");
      return;
    }
    for (const [i, content] of contents.entries()) {
      const at = `${path}.contents.${i}`;
      if (!isObject(content)) {
        refuse(at, "Invalid input type.");
        continue;
      }
      unknownFields(content, CONTENT, at);
      // TikTok's own answer to a numeric content_id (RudderStack's recorded 40002).
      if (typeof content.content_id !== "string") refuse(`${at}.content_id`, "Not a valid string");
      for (const key of ["content_name", "content_category", "brand"]) {
        if (content[key] !== undefined && typeof content[key] !== "string") refuse(`${at}.${key}`, "Not a valid string.");
      }
      if (content.price !== undefined && typeof content.price !== "number") refuse(`${at}.price`, "Not a valid number.");
      if (content.quantity !== undefined && !Number.isInteger(content.quantity)) refuse(`${at}.quantity`, "Not a valid integer.");
    }
  }
}

/** TikTok's answer to a request it refuses: HTTP 200, the code and the first problem, as TikTok reports one. */
export function refusalAnswer(refusals: Refusal[]): Answer {
  const first = refusals[0]!;
  return { status: 200, body: { code: first.code, message: first.message, request_id: "req-strict", data: {} } };
}

/** A responder that refuses what TikTok would refuse, and answers the rest with `respond`. */
export function strict(respond: Responder = ok): Responder {
  return (request, index) => {
    const refusals = tiktokRefusals(JSON.parse(request.raw));
    return refusals.length > 0 ? refusalAnswer(refusals) : respond(request, index);
  };
}
