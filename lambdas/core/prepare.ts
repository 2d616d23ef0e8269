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
  const issues: EventIssue[] = [];
  const warnings: EventIssue[] = [];
  const problem = (list: EventIssue[]) => (path: string, message: string) => list.push({ index, path, message });
  const fail = problem(issues);
  const warn = problem(warnings);

  // A shopper who declined must be left out of the Events API call altogether: "If the data you send can
  // identify a person, and hashed email plus IP address can, then a visitor who declined advertising has to be
  // excluded from the Events API call too" (https://cookiebeam.com/guides/tiktok-pixel-events-api-consent-2026;
  // no public source offers sending without identifiers as the compliant alternative). So the event stops
  // here, once its shape is known to be right: nothing of it is normalised, hashed, queued or sent.
  if (incoming.consent === "denied") {
    warn("consent", "not sent: the shopper denied consent, so the relay dropped this event (nothing of it was queued or sent to TikTok)");
    return { ok: true, dropped: "consent_denied", warnings };
  }

  const own = readTarget(incoming);
  const target = own.ok ? resolveTarget(own.value, options.batch) : own;
  if (!target.ok) {
    fail(target.path, target.message);
    return { ok: false, issues };
  }
  const { source } = target.value;

  // Offline event sets take standard events only, whatever ALLOW_CUSTOM_EVENTS says: TikTok's offline upload
  // lists standard event types alone (https://ads.tiktok.com/help/article/about-events-api-for-offline), and
  // integrators' TikTok offline docs (Amperity, LiveRamp) say the same of the API.
  if ((!options.allowCustomEvents || source === "offline") && !isStandardEvent(incoming.event)) {
    const suggestion = suggestEventName(incoming.event);
    fail(
      "event",
      `"${incoming.event}" is not a TikTok standard event` +
        (suggestion ? `; did you mean "${suggestion}"?` : "; see the README for the list") +
        (source === "offline"
          ? " (offline events must be standard events)"
          : " (custom events can be enabled with ALLOW_CUSTOM_EVENTS=true)"),
    );
  }
  const deprecated = deprecationWarning(incoming.event);
  if (deprecated) warn("event", deprecated);
  const time = parseEventTime(incoming.event_time, options.nowSeconds, maxEventAgeDaysFor(source, options));
  if (!time.ok) fail("event_time", source === "web" ? time.message : `${time.message} (the limit for ${source} events)`);
  const properties = incoming.properties && prepareProperties(incoming.properties, fail);
  const lead = prepareLead(incoming, source, fail);
  if (issues.length > 0 || !time.ok) return { ok: false, issues };

  const event: TikTokEvent = { event: incoming.event, event_time: time.seconds, event_id: "" };
  const phoneCountry = phoneCountryOf(incoming.user?.country) ?? options.defaultPhoneCountry;
  const user = incoming.user && prepareUser(incoming.user, phoneCountry, warn);
  if (user && Object.keys(user).length > 0) event.user = user;
  if (incoming.page && Object.keys(incoming.page).length > 0) event.page = { ...incoming.page };
  if (properties && Object.keys(properties).length > 0) event.properties = properties;
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
    fail("user", "an offline event needs user.email, user.phone or user.external_id: TikTok matches offline events by these alone");
    return { ok: false, issues };
  }
  // A CRM event is matched by its TikTok lead id, which it always carries: no e-mail is no weakness there.
  const missing = source === "crm" ? undefined : purchaseMatchWarning(event, keys);
  if (missing) warn("user", missing);

  if (incoming.event_id !== undefined) {
    event.event_id = incoming.event_id;
  } else {
    event.event_id = derivedId!;
    warn(
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

type Report = (path: string, message: string) => void;

function prepareLead(incoming: IncomingEvent, source: EventTarget["source"], fail: Report): TikTokEvent["lead"] {
  const lead = incoming.lead;
  if (source !== "crm") {
    if (lead) fail("lead", 'only CRM events carry a lead: send it with "event_source": "crm" (and a CRM event set id)');
    return undefined;
  }
  const leadId = lead === undefined ? "" : String(lead.lead_id).trim();
  if (!leadId) {
    fail("lead.lead_id", "is required for CRM events: the id TikTok gave the lead (TikTok lead forms, Leads Center)");
    return undefined;
  }
  const crm = lead?.lead_event_source?.trim();
  return crm ? { lead_id: leadId, lead_event_source: crm } : { lead_id: leadId };
}

function prepareUser(user: IncomingUser, phoneCountry: string, warn: Report): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const hashInto = (key: keyof IncomingUser, hash: (value: string) => Hashed) => {
    const value = user[key];
    if (value === undefined) return;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    const hashes: string[] = [];
    values.forEach((raw, i) => {
      const result = hash(raw);
      const path = Array.isArray(value) ? `user.${key}.${i}` : `user.${key}`;
      if (result.ok) hashes.push(result.hash);
      else warn(path, `dropped: ${result.reason}`);
    });
    if (hashes.length > 0) out[key] = Array.isArray(value) ? [...new Set(hashes)] : hashes[0]!;
  };
  const copy = (key: keyof IncomingUser, transform: (value: string) => string = (v) => v) => {
    const value = user[key];
    if (typeof value === "string" && value.trim()) out[key] = transform(value.trim());
  };

  hashInto("email", hashEmail);
  hashInto("phone", (raw) => hashPhone(raw, phoneCountry));
  hashInto("external_id", hashExternalId);
  hashInto("first_name", hashName);
  hashInto("last_name", hashName);
  hashInto("zip_code", hashZipCode);
  copy("city", (v) => v.toLowerCase());
  copy("state", (v) => v.toLowerCase());
  copy("country", (v) => v.toLowerCase());
  copy("ttclid");
  copy("ttp");
  if (user.ip !== undefined) {
    const ip = user.ip.trim();
    const notShopper = isIP(ip) ? nonShopperAddress(ip) : undefined;
    if (!isIP(ip)) warn("user.ip", "dropped: not an IPv4 or IPv6 address");
    // The message names the kind of address, never the address: warnings reach logs as counts only, but the
    // caller's response should not echo identifiers either.
    else if (notShopper)
      warn("user.ip", `dropped: ${notShopper} is never the shopper's; send the IP of the shopper's request, not your server's or proxy's`);
    else out.ip = ip;
  }
  copy("user_agent");
  copy("locale");
  return out;
}

function prepareProperties(properties: IncomingProperties, fail: Report): Record<string, unknown> {
  const out: Record<string, unknown> = { ...properties };
  // TikTok rejects a numeric content_id, and one bad row fails the whole batch.
  if (properties.contents) {
    out.contents = properties.contents.map((content) => ({ ...content, content_id: String(content.content_id) }));
  }
  if (properties.content_ids) out.content_ids = properties.content_ids.map(String);
  if (properties.order_id !== undefined) out.order_id = String(properties.order_id);
  if (properties.shop_id !== undefined) out.shop_id = String(properties.shop_id);
  if (properties.currency !== undefined) {
    const currency = properties.currency.trim().toUpperCase();
    if (!CURRENCIES.has(currency)) fail("properties.currency", `"${properties.currency}" is not an ISO-4217 currency code (e.g. USD, EUR)`);
    out.currency = currency;
  } else if (properties.value !== undefined) {
    fail("properties.currency", "is required when value is set (an ISO-4217 code, e.g. USD)");
  }
  return out;
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
