import fc from "fast-check";

// Generators for the ingest fuzz tests: what shops (and anything else on the internet) might post.
// Special values that JSON.stringify cannot produce (raw number tokens such as 1e400, own "__proto__" keys)
// are written as markers and replaced in the text by `toJsonText`, so the handler parses them from the wire
// exactly as they would arrive.

export const NOW = 1_767_225_600;
export const PIXEL = "C4PIXEL0000000000001";
export const MAX_AGE_SECONDS = 7 * 86_400;

const RAW = "\u0000RAW:";
const KEY = "\u0000KEY:";
const END = "\u0000";

/** A JSON number token as it stands in the text (e.g. "1e400", which JSON.parse reads as Infinity). */
export const rawNumber = (token: string) => `${RAW}${token}${END}`;
/** An object key written verbatim in the text: JSON.parse makes "__proto__" an own property. */
export const rawKey = (key: string) => `${KEY}${key}${END}`;

/** JSON.stringify, then the markers become what they stand for. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"\\u0000RAW:([^"\\]*)\\u0000"/g, "$1")
    .replace(/"\\u0000KEY:([^"\\]*)\\u0000"/g, '"$1"');
}

// ---- strings ----------------------------------------------------------------------------------------

/** Characters that break naive code: lone surrogates, non-characters, controls, RTL, combining marks. */
const oddChar = fc.constantFrom(
  "\ud800",
  "\udfff",
  "\ud83d",
  "\ufffe",
  "\uffff",
  "\u0000",
  "\u0007",
  "\u001f",
  "\u007f",
  "\u0085",
  "\u202e",
  "\u200f",
  "\u200b",
  "\u2028",
  "\u0301",
  "\u0308",
  "\u0336",
  "😀",
  "👩‍👩‍👧",
  "🇺🇸",
  "ש",
  "ل",
  "Zoë",
  "ß",
  "İ",
  "ǅ",
  "Σ",
  "ﬀ",
  "\t",
  "\n",
  " ",
  '"',
  "\\",
  "/",
  "<",
  "@",
  "+",
  "%",
  "$",
  "{",
);
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: oddChar },
  {
    weight: 3,
    arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
  },
);
/** Any text, unicode everywhere. */
export const text = (maxLength = 24, minLength = 0) => fc.string({ unit, minLength, maxLength });

/** 10k to 100k characters, built by repetition (fast), possibly cutting a surrogate pair in two. */
export const hugeText = fc
  .tuple(text(4, 1), fc.integer({ min: 10_000, max: 100_000 }))
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

const hex64 = fc.stringMatching(/^[0-9a-fA-F]{64}$/);

export const email = fc.oneof(
  fc.constantFrom(
    "Zoë+promo@exämple.com",
    " John.Doe@Example.COM ",
    "ÜBER+X@BÜCHER.DE",
    "a@b.co",
    "plainaddress",
    "@no-local",
    "two@@ats",
    "sp ace@x.com",
    "",
  ),
  fc.emailAddress(),
  fc.tuple(text(16, 1), text(12, 1)).map(([local, domain]) => `${local}@${domain}.example`),
  hex64,
  text(),
);
export const phone = fc.oneof(
  fc.constantFrom(
    "+1 (650) 555-1234",
    "1-800-FLOWERS",
    "+1 650 555 CALL",
    "+44 20 7946 0958",
    "0049 30 901820",
    "00 44 20 7946 0958",
    "(650) 555-1234 ext. 5",
    "+33 6 12 34 56 78",
    "tel:+16505551234",
    "+٩٧١٥٠١٢٣٤٥٦٧",
    "12345",
    "phone",
    "+",
    "",
  ),
  fc.stringMatching(/^\+?[0-9 ().-]{5,20}$/),
  hex64,
  text(),
);
const name = fc.oneof(fc.constantFrom("Zoë", "José", "O'Brien", "ΣΊΣΥΦΟΣ", "李", "  ", "John"), text(30));
const zip = fc.oneof(fc.constantFrom("94043", "SW1A 1AA", "10115-1234", " - "), text(12));
const shortText = (max: number) => fc.oneof(text(Math.min(max, 40)), fc.constantFrom("Mountain View", "CA", "US", "en-US"));
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom("203.0.113.9", " 2001:db8::1 ", "999.1.1.1", "not-an-ip", "::ffff:1.2.3.4"));
const identifierText = fc.oneof(fc.constantFrom("wc_order_5123", "SKU-1", "1042"), text(40, 1));

export const user = fc.record(
  {
    email: fc.oneof(email, fc.array(email, { minLength: 1, maxLength: 4 })),
    phone: fc.oneof(phone, fc.array(phone, { minLength: 1, maxLength: 4 })),
    external_id: fc.oneof(
      identifierText,
      fc.nat(),
      hex64,
      fc.array(fc.oneof(identifierText, fc.nat(), hex64), { minLength: 1, maxLength: 3 }),
    ),
    first_name: name,
    last_name: name,
    zip_code: zip,
    city: shortText(256),
    state: shortText(256),
    country: shortText(64),
    ttclid: fc.oneof(fc.constant("E.C.P.abcDEF123"), text(60)),
    ttp: fc.oneof(fc.constant("2Qm4eXyz"), text(40)),
    ip,
    user_agent: fc.oneof(fc.constant("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"), text(60)),
    locale: shortText(35),
  },
  { requiredKeys: [] },
);

const page = fc.record({ url: fc.oneof(fc.webUrl(), text(40)), referrer: fc.oneof(fc.webUrl(), text(40)) }, { requiredKeys: [] });

const money = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }), fc.constantFrom(0, 25, 62.5, 0.01));
const content = fc.record(
  {
    content_id: fc.oneof(identifierText, fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
    content_name: text(30),
    content_category: text(30),
    brand: text(20),
    price: money,
    quantity: fc.nat({ max: 1000 }),
  },
  { requiredKeys: ["content_id"] },
);
const properties = fc
  .tuple(
    fc.record(
      {
        contents: fc.array(content, { maxLength: 5 }),
        content_ids: fc.array(fc.oneof(identifierText, fc.nat()), { maxLength: 5 }),
        content_type: fc.constantFrom("product", "product_group"),
        currency: fc.constantFrom("USD", "usd", " eur ", "JPY", "XXX", "ABC", "€"),
        value: fc.oneof(money, fc.double({ noNaN: true, noDefaultInfinity: true })),
        num_items: fc.nat({ max: 1000 }),
        order_id: identifierText,
        shop_id: identifierText,
        query: text(),
        search_string: text(),
        description: text(60),
        predicted_ltv: fc.double({ noNaN: true, noDefaultInfinity: true }),
      },
      { requiredKeys: [] },
    ),
    fc.boolean(),
  )
  // Most shops that send a value send its currency too: keep most of these events valid.
  .map(([props, addCurrency]) =>
    props.value !== undefined && props.currency === undefined && addCurrency ? { ...props, currency: "USD" } : props,
  );

/** event_time values that must be accepted: seconds, milliseconds, digit strings, ISO-8601 with a zone. */
const goodTime = fc.integer({ min: NOW - MAX_AGE_SECONDS, max: NOW + 300 }).chain((seconds) =>
  fc.oneof(
    fc.constant<number | string>(seconds),
    fc.integer({ min: 0, max: 999 }).map((ms) => seconds * 1000 + ms),
    fc.constant(String(seconds)),
    fc.constant(seconds + 0.25),
    fc.constant(new Date(seconds * 1000).toISOString()),
    fc.constant(new Date(seconds * 1000).toISOString().replace("Z", "+00:00")),
    fc.constant(` ${seconds} `),
  ),
);
/** event_time values that must be refused (or read as something within bounds). */
export const badTime = fc.oneof(
  fc.constantFrom<unknown>(
    0,
    -1,
    1e30,
    -1e30,
    1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    "yesterday",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "2026-02-30T00:00:00Z",
    "2026-01-01T00:00:00",
    "2026-01-01",
    "1767225600.5.5",
    NOW - MAX_AGE_SECONDS - 1,
    NOW + 301,
    (NOW + 301) * 1000,
    true,
    null,
    [],
    {},
    [NOW],
    rawNumber("1e400"),
    rawNumber("-1e400"),
    rawNumber("1e-400"),
    rawNumber("-0"),
    rawNumber("1767225600.0000000000000001"),
  ),
  fc.double(),
  fc.integer(),
  text(),
);
const eventTime = fc.oneof({ weight: 4, arbitrary: goodTime }, { weight: 1, arbitrary: badTime });

const eventName = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom("CompletePayment", "AddToCart", "ViewContent", "Lead", "Purchase", "PlaceAnOrder", "Pageview", "Search"),
  },
  { weight: 1, arbitrary: fc.constantFrom("IntiateCheckout", "purchase", "Custom Event", "", " AddToCart") },
  { weight: 1, arbitrary: text(20) },
);

const eventSetId = fc.constantFrom("7301234567890123456", "7309876543210987654", "C4ABCDEFGH1234567890", "73012-bad", "");
const leadFields = {
  lead_id: fc.oneof(identifierText, fc.nat(), fc.constant(" ")),
  lead_event_source: fc.constantFrom("HubSpot", "Salesforce", ""),
};
/** A lead as a CRM sends it (its id, mostly), or a lead on an event of another source. */
const crmLead = fc.record(leadFields, { requiredKeys: ["lead_id"] });
const lead = fc.record(leadFields, { requiredKeys: [] });
/** Where an event goes (most events say nothing: web), and the shopper's consent (mostly unsaid). */
const sourceFields = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.record({ event_source: fc.constant("offline"), event_source_id: eventSetId }, { requiredKeys: ["event_source"] }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { event_source: fc.constant("crm"), event_source_id: eventSetId, lead: crmLead },
      { requiredKeys: ["event_source", "lead"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { event_source: fc.constantFrom("web", "app", "Offline"), event_source_id: eventSetId, lead },
      { requiredKeys: [] },
    ),
  },
);
const consentField = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: fc.record({ consent: fc.constantFrom<unknown>("granted", "denied") }) },
  { weight: 1, arbitrary: fc.record({ consent: fc.constantFrom<unknown>("deny", "DENIED", true, null) }) },
);

/** Events shaped as the README describes; most are valid, some fields are wrong in plausible ways. */
export const event = fc
  .tuple(
    fc.record(
      {
        event: eventName,
        // Mostly ids a shop sends; random text (control characters included, which the schema refuses) now and then.
        event_id: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.oneof(
              fc.constantFrom("wc_order_5123", "SKU-1", "1042", "order #7 – ü"),
              fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/),
            ),
          },
          { weight: 1, arbitrary: text(128, 1) },
        ),
        event_time: eventTime,
        user,
        page,
        properties,
        limited_data_use: fc.boolean(),
        pixel_code: fc.constantFrom("C4ABCDEFGH1234567890", "OTHERPIXEL0001", "short", ""),
      },
      { requiredKeys: ["event"] },
    ),
    sourceFields,
    consentField,
    fc.nat({ max: 4 }),
  )
  // A pixel_code names a web pixel: with another source it is an error, kept now and then.
  .map(([base, source, consent, keepPixel]) => {
    const { pixel_code, ...rest } = base;
    const other = "event_source" in source && source.event_source !== "web";
    return { ...rest, ...(other && keepPixel > 0 ? {} : { pixel_code }), ...source, ...consent };
  });

/** Events that are valid (standard name, time within bounds, a currency with every value): they must be queued. */
export const validEvent = fc
  .tuple(
    event,
    fc.constantFrom("CompletePayment", "AddToCart", "ViewContent", "Lead", "Purchase", "Search"),
    goodTime,
    fc.constantFrom(undefined, "C4ABCDEFGH1234567890"),
  )
  .map(([base, name, time, pixel]) => {
    // A web event that is sent: no other source (which has rules of its own), no consent denied.
    const {
      pixel_code: _pixel,
      event_source: _source,
      event_source_id: _id,
      lead: _lead,
      consent: _consent,
      ...rest
    } = base as typeof base & {
      event_source?: unknown;
      event_source_id?: unknown;
      lead?: unknown;
      consent?: unknown;
    };
    const valid: Record<string, unknown> = { ...rest, event: name, event_time: time, ...(pixel ? { pixel_code: pixel } : {}) };
    if (base.properties?.value !== undefined || base.properties?.currency !== undefined)
      valid.properties = { ...base.properties, currency: "USD" };
    return valid;
  });

/** Values of the wrong type (or the right type, absurd): what a buggy integration sends. */
export const wrongValue = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    -0.5,
    1e30,
    -1e30,
    5e-324,
    Number.MAX_SAFE_INTEGER + 2,
    // biome-ignore lint/correctness/noPrecisionLoss: an id too large for a double, as callers send them.
    12345678901234567890,
    "",
    " ",
    "NaN",
    "Infinity",
    "1e400",
    "10",
    "-5",
    "0x10",
    [],
    {},
    [null],
    [[]],
    [{}],
    { "0": 1 },
    ["a", 1],
    "true",
    rawNumber("1e400"),
    rawNumber("-1e400"),
    rawNumber("1e-400"),
    rawNumber("-0"),
    rawNumber("123456789012345678901234567890"),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  text(),
  fc.double(),
);

/** Every place a value can go in an event (and a few that do not exist). */
export const EVENT_PATHS = [
  "event",
  "event_id",
  "event_time",
  "pixel_code",
  "event_source",
  "event_source_id",
  "consent",
  "lead",
  "lead.lead_id",
  "lead.lead_event_source",
  "user.external_id.0",
  "limited_data_use",
  "user",
  "page",
  "properties",
  "user.email",
  "user.email.0",
  "user.phone",
  "user.phone.1",
  "user.external_id",
  "user.first_name",
  "user.last_name",
  "user.zip_code",
  "user.city",
  "user.state",
  "user.country",
  "user.ttclid",
  "user.ttp",
  "user.ip",
  "user.user_agent",
  "user.locale",
  "page.url",
  "page.referrer",
  "properties.contents",
  "properties.contents.0",
  "properties.contents.0.content_id",
  "properties.contents.0.content_name",
  "properties.contents.0.price",
  "properties.contents.0.quantity",
  "properties.content_ids",
  "properties.content_ids.0",
  "properties.content_type",
  "properties.currency",
  "properties.value",
  "properties.num_items",
  "properties.order_id",
  "properties.shop_id",
  "properties.query",
  "properties.search_string",
  "properties.description",
  "properties.predicted_ltv",
  "data",
  "user.mail",
  "properties.extra",
  "page.title",
  "toString",
  "hasOwnProperty",
  "valueOf",
] as const;

/** Sets `path` in a copy of `root`, creating objects (or arrays, for numeric segments) on the way. */
export function setPath(root: unknown, path: string, value: unknown): unknown {
  const [head, ...rest] = path.split(".");
  const index = /^\d+$/.test(head!) ? Number(head) : undefined;
  const container: Record<string, unknown> | unknown[] =
    index !== undefined
      ? Array.isArray(root)
        ? [...root]
        : []
      : typeof root === "object" && root !== null && !Array.isArray(root)
        ? { ...root }
        : {};
  const key = index ?? head!;
  const current = (container as Record<string | number, unknown>)[key];
  (container as Record<string | number, unknown>)[key] = rest.length === 0 ? value : setPath(current, rest.join("."), value);
  return container;
}

export const mutatedEvent = fc
  .tuple(event, fc.array(fc.tuple(fc.constantFrom(...EVENT_PATHS), wrongValue), { minLength: 1, maxLength: 3 }))
  .map(([base, mutations]) => mutations.reduce<unknown>((current, [path, value]) => setPath(current, path, value), base));

export const envelope = (events: fc.Arbitrary<unknown>, maxEvents = 5) =>
  fc.record(
    {
      data: fc.array(events, { minLength: 0, maxLength: maxEvents }),
      pixel_code: fc.constantFrom<unknown>("BATCHPIXEL0001", "C4ABCDEFGH1234567890", "bad pixel", 42),
      test_event_code: fc.constantFrom<unknown>("TEST123", "", "x".repeat(65), null),
    },
    { requiredKeys: ["data"] },
  );

/** One event as the body, or a {"data": [...]} batch. */
export const body = (events: fc.Arbitrary<unknown>) => fc.oneof(events, envelope(events));

// ---- prototype pollution --------------------------------------------------------------------------

const PROTO_KEYS = ["__proto__", "constructor", "prototype"] as const;
const protoValue = fc.constantFrom<unknown>(
  { polluted: "yes" },
  { toString: "x", valueOf: 1 },
  { [rawKey("__proto__")]: { polluted: "deep" } },
  { prototype: { polluted: "proto" } },
  "x",
  null,
  [],
  [{ polluted: "array" }],
);
const PROTO_LEVELS = ["", "user", "page", "properties", "properties.contents.0", "user.email"] as const;

/** Inserts `"__proto__"`-like keys as own properties (as JSON.parse creates them) at some level of a body. */
export const withProtoKeys = fc
  .tuple(
    body(event),
    fc.array(fc.tuple(fc.constantFrom(...PROTO_LEVELS), fc.constantFrom(...PROTO_KEYS), protoValue, fc.boolean()), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([value, injections]) => {
    let result: unknown = value;
    for (const [level, key, injected, onEnvelope] of injections) {
      const isBatch = typeof result === "object" && result !== null && "data" in result;
      const prefix = isBatch && !onEnvelope ? "data.0." : "";
      const path = `${prefix}${level}`.replace(/\.$/, "");
      result = path === "" ? { [rawKey(key)]: injected, ...(result as object) } : setPath(result, `${path}.${rawKey(key)}`, injected);
    }
    return result;
  });

// ---- deep nesting -----------------------------------------------------------------------------------

export const deepText = fc
  .tuple(
    fc.integer({ min: 1000, max: 5000 }),
    fc.constantFrom("array", "object", "mixed"),
    fc.constantFrom("body", "event", "user", "data", "field"),
  )
  .map(([depth, kind, where]) => {
    const open = (i: number) => (kind === "array" || (kind === "mixed" && i % 2 === 0) ? "[" : '{"a":');
    const close = (i: number) => (kind === "array" || (kind === "mixed" && i % 2 === 0) ? "]" : "}");
    let opens = "";
    let closes = "";
    for (let i = 0; i < depth; i++) {
      opens += open(i);
      closes = close(i) + closes;
    }
    const nested = `${opens}1${closes}`;
    switch (where) {
      case "body":
        return nested;
      case "event":
        return `{"data":[${nested}]}`;
      case "user":
        return `{"event":"Lead","event_id":"deep","user":${nested}}`;
      case "data":
        return `{"data":${nested}}`;
      default:
        return `{"event":"Lead","event_id":"deep","properties":{"contents":[{"content_id":${nested}}]}}`;
    }
  });
