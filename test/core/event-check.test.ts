import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { purchaseEvent } from "../../bench/fixtures";
import { readIngestConfig } from "../../lambdas/core/config";
import { checkEvent } from "../../lambdas/core/event-check";
import { prepareEvent } from "../../lambdas/core/prepare";
import { EventSchema, LIMITS } from "../../lambdas/core/schema";
import { event, mutatedEvent, setPath, toJsonText, validEvent, withProtoKeys, wrongValue } from "../fuzz/ingest-arbitraries";

// The hand-written check of the common event (event-check.ts) must never change what the relay accepts: for any
// input it answers exactly what EventSchema.safeParse gives back (same fields, same order, same values), or
// nothing, and then zod decides and words the refusal. So prepareEvent accepts and refuses what it did with zod
// alone, with the same messages.

const SEED = 20261203;

/** Field names of every object, depth first: toStrictEqual does not compare the order of fields. */
function fieldOrder(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => fieldOrder(item).map((key) => `${i}.${key}`));
  if (typeof value !== "object" || value === null) return [];
  return Object.keys(value).flatMap((key) => [key, ...fieldOrder((value as Record<string, unknown>)[key]).map((sub) => `${key}.${sub}`)]);
}

/** The property: the check answers nothing, or zod's own result. Returns whether the check answered. */
function agrees(input: unknown): boolean {
  const checked = checkEvent(input);
  const parsed = EventSchema.safeParse(input);
  if (checked === undefined) return false;
  expect(parsed.success, `checkEvent accepted what zod refuses: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  expect(checked).toStrictEqual(parsed.data);
  expect(fieldOrder(checked)).toEqual(fieldOrder(parsed.data));
  return true;
}

/** As the handler sees an input: parsed from the wire (own "__proto__" keys, raw number tokens). */
const fromWire = (value: unknown) => JSON.parse(toJsonText(value)) as unknown;

// Every length limit of the schema, with values just inside and just outside it.
const LENGTH_LIMITS: [path: string, max: number, min: number][] = [
  ["event", LIMITS.eventName, 1],
  ["event_id", LIMITS.eventId, 1],
  ["event_time", 64, 0],
  ["event_source_id", 64, 1],
  ["user.email", LIMITS.identifier, 0],
  ["user.email.1", LIMITS.identifier, 0],
  ["user.phone", LIMITS.identifier, 0],
  ["user.external_id", LIMITS.identifier, 1],
  ["user.external_id.0", LIMITS.identifier, 1],
  ["user.first_name", LIMITS.identifier, 0],
  ["user.last_name", LIMITS.identifier, 0],
  ["user.zip_code", 64, 0],
  ["user.city", LIMITS.identifier, 0],
  ["user.state", LIMITS.identifier, 0],
  ["user.country", 64, 0],
  ["user.ttclid", LIMITS.text, 0],
  ["user.ttp", LIMITS.identifier, 0],
  ["user.ip", 64, 0],
  ["user.user_agent", LIMITS.userAgent, 0],
  ["user.locale", 35, 0],
  ["page.url", LIMITS.url, 0],
  ["page.referrer", LIMITS.url, 0],
  ["properties.contents.0.content_id", LIMITS.identifier, 1],
  ["properties.contents.0.content_name", LIMITS.text, 0],
  ["properties.contents.0.content_category", LIMITS.text, 0],
  ["properties.contents.0.brand", LIMITS.text, 0],
  ["properties.content_ids.0", LIMITS.identifier, 1],
  ["properties.currency", 3, 0],
  ["properties.order_id", LIMITS.identifier, 0],
  ["properties.shop_id", LIMITS.identifier, 0],
  ["properties.query", LIMITS.text, 0],
  ["properties.search_string", LIMITS.text, 0],
  ["properties.description", LIMITS.text, 0],
  ["lead.lead_id", LIMITS.identifier, 1],
  ["lead.lead_event_source", LIMITS.identifier, 1],
];

const atLimit = fc
  .tuple(
    fc.constantFrom(...LENGTH_LIMITS),
    fc.constantFrom(-1, 0, 1),
    fc.constantFrom("a", "😀", " ", "\u0007", " a "),
    fc.boolean(),
    validEvent,
  )
  .map(([[path, max, min], offset, piece, low, base]) => {
    const length = Math.max(0, (low ? min : max) + offset);
    const value = piece.repeat(Math.ceil(length / piece.length) + 1).slice(0, length);
    return setPath(base, path, value);
  });

// Numbers at the edges of each numeric rule.
const NUMBER_PATHS = [
  "event_time",
  "user.external_id",
  "user.external_id.1",
  "properties.value",
  "properties.num_items",
  "properties.order_id",
  "properties.shop_id",
  "properties.predicted_ltv",
  "properties.contents.0.content_id",
  "properties.contents.1.price",
  "properties.contents.0.quantity",
  "properties.content_ids.0",
  "lead.lead_id",
];
const edgeNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e21,
);
const atNumberEdge = fc
  .tuple(fc.constantFrom(...NUMBER_PATHS), edgeNumber, validEvent)
  .map(([path, value, base]) => setPath(base, path, value));

// Inputs zod reads differently from JSON's plain objects: inherited fields, no prototype, undefined fields, holes.
const oddObjects = fc
  .tuple(validEvent, fc.constantFrom("inherited", "null-prototype", "undefined", "hole", "array"))
  .map(([base, kind]) => {
    const value = base as Record<string, unknown>;
    switch (kind) {
      case "inherited":
        return Object.assign(Object.create({ user: { email: "a@b.co" } }), value);
      case "null-prototype":
        return Object.assign(Object.create(null), value);
      case "undefined":
        return { ...value, user: { ...(value.user as object), phone: undefined } };
      case "hole":
        // biome-ignore lint/suspicious/noSparseArray: a hole, as only a JavaScript caller can send it.
        return { ...value, user: { email: [, "a@b.co"] } };
      default:
        return [value];
    }
  });

describe("checkEvent answers as EventSchema does", () => {
  it("on events shaped as the README describes (most of them valid)", () => {
    let answered = 0;
    fc.assert(
      fc.property(event, (input) => {
        if (agrees(input)) answered++;
        agrees(fromWire(input));
      }),
      { numRuns: 3000, seed: SEED },
    );
    expect(answered).toBeGreaterThan(1000);
  });

  it("on valid events: it answers every one of them (the fast path is taken)", () => {
    fc.assert(
      fc.property(validEvent, (input) => {
        // Valid for the relay is not always valid for the schema (random text over a limit): compare first.
        if (!EventSchema.safeParse(input).success) return;
        expect(agrees(input)).toBe(true);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it("on events with wrong values anywhere", () => {
    fc.assert(
      fc.property(mutatedEvent, fc.boolean(), (input, wire) => {
        agrees(wire ? fromWire(input) : input);
      }),
      { numRuns: 5000, seed: SEED },
    );
  });

  it("on values of any type in place of the event", () => {
    fc.assert(
      fc.property(wrongValue, (input) => {
        agrees(input);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('on "__proto__", "constructor" and "prototype" keys at any level', () => {
    fc.assert(
      fc.property(withProtoKeys, (input) => {
        const parsed = fromWire(input) as Record<string, unknown>;
        agrees(parsed);
        if (Array.isArray(parsed.data)) for (const item of parsed.data) agrees(item);
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it("at every length limit, just inside and just outside", () => {
    fc.assert(
      fc.property(atLimit, (input) => {
        agrees(input);
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  it("at the edges of every numeric rule", () => {
    fc.assert(
      fc.property(atNumberEdge, (input) => {
        agrees(input);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it("on objects JSON cannot make: it leaves them to zod (objects without a prototype aside)", () => {
    fc.assert(
      fc.property(oddObjects, (input) => {
        const answered = agrees(input);
        if (Object.getPrototypeOf(input) !== null) expect(answered).toBe(false);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it("on the bench's purchases: answered, with the currency trimmed and the schema's field order", () => {
    const purchase = purchaseEvent("id-1", 1);
    expect(agrees(purchase)).toBe(true);
    expect(agrees({ ...purchase, properties: { ...purchase.properties, currency: " usd " } })).toBe(true);
    expect(Object.keys(checkEvent(purchase)!.properties!)).toEqual(["contents", "content_type", "currency", "value", "order_id"]);
  });
});

/** Freezes a value and everything in it: a change to it then throws (modules run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

describe("prepareEvent works on the schema's copy", () => {
  const config = readIngestConfig({ TIKTOK_PIXEL_CODE: "C4PIXEL0000000000001", LDU_REGIONS: "US-CA" });
  const options = { ...config, nowSeconds: 1_767_225_600 };

  it("and never changes the caller's event (it changes its copy in place)", () => {
    fc.assert(
      fc.property(fc.oneof(event, mutatedEvent, validEvent), (input) => {
        const unfrozen = structuredClone(input);
        // Frozen, a change to the input would throw; the answer is the one an unfrozen copy gets.
        expect(prepareEvent(deepFreeze(input), 0, options)).toStrictEqual(prepareEvent(unfrozen, 0, options));
      }),
      { numRuns: 2000, seed: SEED },
    );
  });
});
