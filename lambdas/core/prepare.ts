import { isIP } from "node:net";
import type { z } from "zod";
import { type EventAgeLimits, maxEventAgeDaysFor } from "./event-age";
import { checkEvent } from "./event-check";
import { type EventTarget, readTarget, resolveTarget } from "./event-destination";
import { deprecationWarning, isStandardEvent, suggestEventName } from "./event-names";
import { parseEventTime } from "./event-time";
import { type Hashed, hashEmail, hashExternalId, hashName, hashPhone, hashZipCode, phoneCountryOf, sha256Hex } from "./hashing";
import { nonShopperAddress } from "./ip-address";
import { inLduRegion, type LduRegion } from "./limited-data-use";
import { matchKeys, purchaseMatchWarning } from "./match-quality";
import {
  type EventIssue,
  EventSchema,
  type IncomingEvent,
  type IncomingProperties,
  type IncomingUser,
  LIMITS,
  type TikTokEvent,
} from "./schema";

// Turns one posted event into what TikTok receives: validated, normalised, hashed. Raw identifiers stop
// here; the result is safe to queue, log by id, and keep for days.

export interface PrepareOptions extends EventAgeLimits {
  nowSeconds: number;
  /** Reads national phone numbers of events without a usable `user.country`. */
  defaultPhoneCountry: string;
  maxEventAgeDays: number;
  allowCustomEvents: boolean;
  /** Events of shoppers in these regions get `limited_data_use: true` unless they say otherwise. */
  lduRegions?: readonly LduRegion[];
  /** What the event's batch names (its event_source, event_source_id or pixel_code). */
  batch?: Partial<EventTarget>;
}

/** Why an event was left out on purpose: not an error, the caller did what it should. */
export type DropReason = "consent_denied";

/** An event ready for its destination's queue. */
export interface PreparedEvent {
  ok: true;
  dropped?: undefined;
  event: TikTokEvent;
  target: EventTarget;
  warnings: EventIssue[];
}

export type PrepareResult =
  | PreparedEvent
  | { ok: true; dropped: DropReason; event?: undefined; warnings: EventIssue[] }
  | { ok: false; issues: EventIssue[] };

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export function prepareEvent(input: unknown, index: number, options: PrepareOptions): PrepareResult {
  // The common, valid event is checked by hand (event-check.ts); zod has the last word, and words every refusal.
  let incoming = checkEvent(input);
  if (!incoming) {
    const parsed = EventSchema.safeParse(input);
    if (!parsed.success) return { ok: false, issues: fromZodIssues(parsed.error.issues, index) };
    incoming = parsed.data;
  }
  const notes = new EventNotes(index);
  const { issues, warnings } = notes;

  // A shopper who declined must be left out of the Events API call altogether: "If the data you send can
  // identify a person, and hashed email plus IP address can, then a visitor who declined advertising has to be
  // excluded from the Events API call too" (https://cookiebeam.com/guides/tiktok-pixel-events-api-consent-2026;
  // no public source offers sending without identifiers as the compliant alternative). So the event stops
  // here, once its shape is known to be right: nothing of it is normalised, hashed, queued or sent.
  if (incoming.consent === "denied") {
    notes.warn(
      "consent",
      "not sent: the shopper denied consent, so the relay dropped this event (nothing of it was queued or sent to TikTok)",
    );
    return { ok: true, dropped: "consent_denied", warnings };
  }

  const own = readTarget(incoming);
  const target = own.ok ? resolveTarget(own.value, options.batch) : own;
  if (!target.ok) {
    notes.fail(target.path, target.message);
    return { ok: false, issues };
  }
  const { source } = target.value;

  // Offline event sets take standard events only, whatever ALLOW_CUSTOM_EVENTS says: TikTok's offline upload
  // lists standard event types alone (https://ads.tiktok.com/help/article/about-events-api-for-offline), and
  // integrators' TikTok offline docs (Amperity, LiveRamp) say the same of the API.
  if ((!options.allowCustomEvents || source === "offline") && !isStandardEvent(incoming.event)) {
    const suggestion = suggestEventName(incoming.event);
    notes.fail(
      "event",
      `"${incoming.event}" is not a TikTok standard event` +
        (suggestion ? `; did you mean "${suggestion}"?` : "; see the README for the list") +
        (source === "offline"
          ? " (offline events must be standard events)"
          : " (custom events can be enabled with ALLOW_CUSTOM_EVENTS=true)"),
    );
  }
  const deprecated = deprecationWarning(incoming.event);
  if (deprecated) notes.warn("event", deprecated);
  const time = parseEventTime(incoming.event_time, options.nowSeconds, maxEventAgeDaysFor(source, options));
  if (!time.ok) notes.fail("event_time", source === "web" ? time.message : `${time.message} (the limit for ${source} events)`);
  const properties = incoming.properties && prepareProperties(incoming.properties, notes);
  const lead = prepareLead(incoming, source, notes);
  if (issues.length > 0 || !time.ok) return { ok: false, issues };

  const event: TikTokEvent = { event: incoming.event, event_time: time.seconds, event_id: "" };
  const phoneCountry = phoneCountryOf(incoming.user?.country) ?? options.defaultPhoneCountry;
  const user = incoming.user && prepareUser(incoming.user, phoneCountry, notes);
  if (user && hasFields(user)) event.user = user;
  // The schema's copy (see prepareProperties): the caller's page is not shared with the event.
  if (incoming.page && hasFields(incoming.page)) event.page = incoming.page;
  if (properties && hasFields(properties)) event.properties = properties;
  if (incoming.limited_data_use !== undefined) event.limited_data_use = incoming.limited_data_use;
  // Derived from what the caller sent, before the relay's own additions below: a later default never changes
  // the id a retry of the same event gets.
  const derivedId = incoming.event_id === undefined ? deriveEventId(event, incoming) : undefined;

  addDefaults(event, incoming, options);
  if (lead) event.lead = lead;

  const keys = matchKeys(event);
  if (source === "offline" && !keys.some((key) => key === "email" || key === "phone" || key === "external_id")) {
    // TikTok matches offline conversions by e-mail and phone ("We only support email or phone based PII", of
    // its offline upload: https://ads.tiktok.com/help/article/about-events-api-for-offline); Segment's offline
    // destination refuses events without e-mail, phone or external_id too. Refused here, the shop learns it at
    // once instead of from a DLQ.
    notes.fail("user", "an offline event needs user.email, user.phone or user.external_id: TikTok matches offline events by these alone");
    return { ok: false, issues };
  }
  // A CRM event is matched by its TikTok lead id, which it always carries: no e-mail is no weakness there.
  const missing = source === "crm" ? undefined : purchaseMatchWarning(event, keys);
  if (missing) notes.warn("user", missing);

  if (incoming.event_id !== undefined) {
    event.event_id = incoming.event_id;
  } else {
    event.event_id = derivedId!;
    notes.warn(
      "event_id",
      "no event_id: one was derived from the event's content, so retries dedupe, but the browser pixel cannot be deduplicated against it; send the pixel's event_id",
    );
  }
  return { ok: true, event, target: target.value, warnings };
}

/** Same content (and same caller-given time) → same id, so a caller's retry is deduplicated by TikTok. */
function deriveEventId(event: TikTokEvent, incoming: IncomingEvent): string {
  const basis = {
    ...event,
    event_id: undefined,
    event_time: incoming.event_time === undefined ? undefined : event.event_time,
    pixel: incoming.pixel_code,
    // Absent (and so left out of the JSON) for events that predate other sources: their ids stay as they were.
    source: incoming.event_source,
    source_id: incoming.event_source_id,
    lead: incoming.lead === undefined ? undefined : String(incoming.lead.lead_id),
  };
  return `auto_${sha256Hex(JSON.stringify(basis)).slice(0, 32)}`;
}

/** What the relay fills in when the caller left it out (each documented in the README's event format). */
function addDefaults(event: TikTokEvent, incoming: IncomingEvent, options: PrepareOptions): void {
  // The click id is in the landing URL after an ad click (?ttclid=…); Segment and Stape recover it from there.
  // A ttclid the caller sent is never replaced.
  if (event.user?.ttclid === undefined) {
    const ttclid = ttclidFromUrl(incoming.page?.url);
    if (ttclid) event.user = { ...event.user, ttclid };
  }
  // "When the content_id … is specified as sku_id, set this field to product" (TikTok's field text, as
  // Segment carries it); RudderStack, Segment and TikTok's WooCommerce plugin default to product.
  const properties = event.properties;
  const hasIds =
    (Array.isArray(properties?.contents) && properties.contents.length > 0) ||
    (Array.isArray(properties?.content_ids) && properties.content_ids.length > 0);
  if (properties && hasIds && properties.content_type === undefined) properties.content_type = "product";
  if (event.limited_data_use === undefined && inLduRegion(incoming.user, options.lduRegions ?? [])) event.limited_data_use = true;
}

function ttclidFromUrl(url: string | undefined): string | undefined {
  // Most landing URLs carry no click id: skip parsing them (a URL parse per event cost as much as a hash).
  if (!url?.includes("ttclid") || !URL.canParse(url)) return undefined;
  const value = new URL(url).searchParams.get("ttclid")?.trim();
  return value && value.length <= LIMITS.text ? value : undefined;
}

/**
 * The problems and warnings of one event, as the caller reads them. An object, not closures made per event: a
 * 1,000-event request made thousands of them.
 */
class EventNotes {
  readonly issues: EventIssue[];
  readonly warnings: EventIssue[];
  readonly index: number;
  constructor(index: number) {
    this.index = index;
    this.issues = [];
    this.warnings = [];
  }
  fail(path: string, message: string): void {
    this.issues.push({ index: this.index, path, message });
  }
  warn(path: string, message: string): void {
    this.warnings.push({ index: this.index, path, message });
  }
}

function prepareLead(incoming: IncomingEvent, source: EventTarget["source"], notes: EventNotes): TikTokEvent["lead"] {
  const lead = incoming.lead;
  if (source !== "crm") {
    if (lead) notes.fail("lead", 'only CRM events carry a lead: send it with "event_source": "crm" (and a CRM event set id)');
    return undefined;
  }
  const leadId = lead === undefined ? "" : String(lead.lead_id).trim();
  if (!leadId) {
    notes.fail("lead.lead_id", "is required for CRM events: the id TikTok gave the lead (TikTok lead forms, Leads Center)");
    return undefined;
  }
  const crm = lead?.lead_event_source?.trim();
  return crm ? { lead_id: leadId, lead_event_source: crm } : { lead_id: leadId };
}

function prepareUser(user: IncomingUser, phoneCountry: string, notes: EventNotes): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  hashInto(out, "email", user.email, hashEmail, phoneCountry, notes);
  hashInto(out, "phone", user.phone, hashPhone, phoneCountry, notes);
  hashInto(out, "external_id", user.external_id, hashExternalId, phoneCountry, notes);
  hashInto(out, "first_name", user.first_name, hashName, phoneCountry, notes);
  hashInto(out, "last_name", user.last_name, hashName, phoneCountry, notes);
  hashInto(out, "zip_code", user.zip_code, hashZipCode, phoneCountry, notes);
  copyInto(out, "city", user.city, true);
  copyInto(out, "state", user.state, true);
  copyInto(out, "country", user.country, true);
  copyInto(out, "ttclid", user.ttclid);
  copyInto(out, "ttp", user.ttp);
  if (user.ip !== undefined) {
    const ip = user.ip.trim();
    if (!isIP(ip)) notes.warn("user.ip", "dropped: not an IPv4 or IPv6 address");
    else {
      // The message names the kind of address, never the address: warnings reach logs as counts only, but the
      // caller's response should not echo identifiers either.
      const notShopper = nonShopperAddress(ip);
      if (notShopper)
        notes.warn(
          "user.ip",
          `dropped: ${notShopper} is never the shopper's; send the IP of the shopper's request, not your server's or proxy's`,
        );
      else out.ip = ip;
    }
  }
  copyInto(out, "user_agent", user.user_agent);
  copyInto(out, "locale", user.locale);
  return out;
}

/** Hashes one identifier field (a value or a list of them) into `out`; what cannot be hashed is dropped with a warning. */
function hashInto(
  out: Record<string, string | string[]>,
  key: keyof IncomingUser,
  value: string | number | (string | number)[] | undefined,
  hash: (raw: string, phoneCountry: string) => Hashed,
  phoneCountry: string,
  notes: EventNotes,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    const result = hash(String(value), phoneCountry);
    if (result.ok) out[key] = result.hash;
    else notes.warn(`user.${key}`, `dropped: ${result.reason}`);
    return;
  }
  const hashes: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const result = hash(String(value[i]), phoneCountry);
    if (result.ok) hashes.push(result.hash);
    else notes.warn(`user.${key}.${i}`, `dropped: ${result.reason}`);
  }
  if (hashes.length > 0) out[key] = [...new Set(hashes)];
}

/** Copies a text field into `out`, trimmed (and lower-cased when asked); a blank one is left out. */
function copyInto(out: Record<string, string | string[]>, key: keyof IncomingUser, value: string | undefined, lowerCase = false): void {
  if (value === undefined) return;
  const trimmed = value.trim();
  if (trimmed) out[key] = lowerCase ? trimmed.toLowerCase() : trimmed;
}

/**
 * The event's properties, changed in place: `properties` is the schema's copy (zod's safeParse and checkEvent
 * both give back new objects and lists), never the caller's, and copying it again cost an object per content.
 */
function prepareProperties(properties: IncomingProperties, notes: EventNotes): Record<string, unknown> {
  const out: Record<string, unknown> = properties;
  // TikTok rejects a numeric content_id, and one bad row fails the whole batch.
  if (properties.contents) {
    for (const content of properties.contents) content.content_id = String(content.content_id);
  }
  if (properties.content_ids) out.content_ids = properties.content_ids.map(String);
  if (properties.order_id !== undefined) out.order_id = String(properties.order_id);
  if (properties.shop_id !== undefined) out.shop_id = String(properties.shop_id);
  if (properties.currency !== undefined) {
    const currency = properties.currency.trim().toUpperCase();
    if (!CURRENCIES.has(currency))
      notes.fail("properties.currency", `"${properties.currency}" is not an ISO-4217 currency code (e.g. USD, EUR)`);
    out.currency = currency;
  } else if (properties.value !== undefined) {
    notes.fail("properties.currency", "is required when value is set (an ISO-4217 code, e.g. USD)");
  }
  return out;
}

/** Whether an object has a field: Object.keys(value).length > 0 without making the list. */
function hasFields(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

function fromZodIssues(issues: z.core.$ZodIssue[], index: number): EventIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code !== "unrecognized_keys") return [{ index, path: path || "(event)", message: issue.message }];
    return issue.keys.map((key) => ({
      index,
      path: path ? `${path}.${key || '""'}` : key || '""',
      message: "unknown field: not part of the TikTok event format (check the spelling; see the README)",
    }));
  });
}
