import { isIP } from "node:net";
import type { z } from "zod";
import { isStandardEvent, suggestEventName } from "./event-names";
import { parseEventTime } from "./event-time";
import { type Hashed, hashEmail, hashExternalId, hashName, hashPhone, hashZipCode, sha256Hex } from "./hashing";
import { matchKeys, purchaseMatchWarning } from "./match-quality";
import { type EventIssue, EventSchema, type IncomingEvent, type IncomingProperties, type IncomingUser, type TikTokEvent } from "./schema";

// Turns one posted event into what TikTok receives: validated, normalised, hashed. Raw identifiers stop
// here; the result is safe to queue, log by id, and keep for days.

export interface PrepareOptions {
  nowSeconds: number;
  defaultPhoneCountry: string;
  maxEventAgeDays: number;
  allowCustomEvents: boolean;
}

export type PrepareResult =
  | { ok: true; event: TikTokEvent; pixelCode?: string; warnings: EventIssue[] }
  | { ok: false; issues: EventIssue[] };

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export function prepareEvent(input: unknown, index: number, options: PrepareOptions): PrepareResult {
  const parsed = EventSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: fromZodIssues(parsed.error.issues, index) };
  const incoming = parsed.data;
  const issues: EventIssue[] = [];
  const warnings: EventIssue[] = [];
  const problem = (list: EventIssue[]) => (path: string, message: string) => list.push({ index, path, message });
  const fail = problem(issues);
  const warn = problem(warnings);

  if (!options.allowCustomEvents && !isStandardEvent(incoming.event)) {
    const suggestion = suggestEventName(incoming.event);
    fail(
      "event",
      `"${incoming.event}" is not a TikTok standard event` +
        (suggestion ? `; did you mean "${suggestion}"?` : "; see the README for the list") +
        " (custom events can be enabled with ALLOW_CUSTOM_EVENTS=true)",
    );
  }
  const time = parseEventTime(incoming.event_time, options.nowSeconds, options.maxEventAgeDays);
  if (!time.ok) fail("event_time", time.message);
  const properties = incoming.properties && prepareProperties(incoming.properties, fail);
  if (issues.length > 0 || !time.ok) return { ok: false, issues };

  const event: TikTokEvent = { event: incoming.event, event_time: time.seconds, event_id: "" };
  const user = incoming.user && prepareUser(incoming.user, options.defaultPhoneCountry, warn);
  if (user && Object.keys(user).length > 0) event.user = user;
  if (incoming.page && Object.keys(incoming.page).length > 0) event.page = { ...incoming.page };
  if (properties && Object.keys(properties).length > 0) event.properties = properties;
  if (incoming.limited_data_use !== undefined) event.limited_data_use = incoming.limited_data_use;

  const missing = purchaseMatchWarning(event, matchKeys(event));
  if (missing) warn("user", missing);

  if (incoming.event_id !== undefined) {
    event.event_id = incoming.event_id;
  } else {
    event.event_id = deriveEventId(event, incoming);
    warn(
      "event_id",
      "no event_id: one was derived from the event's content, so retries dedupe, but the browser pixel cannot be deduplicated against it; send the pixel's event_id",
    );
  }
  return { ok: true, event, pixelCode: incoming.pixel_code, warnings };
}

/** Same content (and same caller-given time) → same id, so a caller's retry is deduplicated by TikTok. */
function deriveEventId(event: TikTokEvent, incoming: IncomingEvent): string {
  const basis = {
    ...event,
    event_id: undefined,
    event_time: incoming.event_time === undefined ? undefined : event.event_time,
    pixel: incoming.pixel_code,
  };
  return `auto_${sha256Hex(JSON.stringify(basis)).slice(0, 32)}`;
}

type Report = (path: string, message: string) => void;

function prepareUser(user: IncomingUser, defaultCountry: string, warn: Report): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const hashInto = (key: keyof IncomingUser, hash: (value: string) => Hashed) => {
    const value = user[key];
    if (value === undefined) return;
    const values = Array.isArray(value) ? value : [String(value)];
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
  hashInto("phone", (raw) => hashPhone(raw, defaultCountry));
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
    if (isIP(user.ip.trim())) out.ip = user.ip.trim();
    else warn("user.ip", "dropped: not an IPv4 or IPv6 address");
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
