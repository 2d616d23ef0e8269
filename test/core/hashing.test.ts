import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  hashEmail,
  hashExternalId,
  hashName,
  hashPhone,
  hashZipCode,
  isSha256Hex,
  normalisePhone,
  sha256Hex,
} from "../../lambdas/core/hashing";

/** Expected hashes come from node:crypto on the documented normalised string, never from the code under test. */
const sha = (normalised: string) => createHash("sha256").update(normalised, "utf8").digest("hex");

describe("reference vectors (docs: tiktok-events-api.md)", () => {
  it("email ' John.Doe@Example.COM ' hashes as john.doe@example.com", () => {
    const expected = "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f";
    expect(sha("john.doe@example.com")).toBe(expected);
    expect(hashEmail(" John.Doe@Example.COM ")).toEqual({ ok: true, hash: expected });
  });

  it("phone '+1 (650) 555-1234' hashes as +16505551234", () => {
    const expected = "a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0";
    expect(sha("+16505551234")).toBe(expected);
    expect(hashPhone("+1 (650) 555-1234", "US")).toEqual({ ok: true, hash: expected });
    // The country code is given, so the default country does not matter.
    expect(hashPhone("+1 (650) 555-1234", "GB")).toEqual({ ok: true, hash: expected });
  });

  it("external_id '1042' hashes as 1042", () => {
    const expected = "216da54b5931a6d37cca8e29953361fe02c680bbd8b482343f508e32e8e9cc3b";
    expect(sha("1042")).toBe(expected);
    expect(hashExternalId("1042")).toEqual({ ok: true, hash: expected });
    expect(hashExternalId("  1042 ")).toEqual({ ok: true, hash: expected });
  });

  it("sha256Hex is plain lower-case SHA-256 of UTF-8", () => {
    expect(sha256Hex("müller")).toBe(sha("müller"));
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("phone numbers → E.164", () => {
  it.each([
    ["+44 20 7946 0958", "US", "+442079460958"],
    ["(650) 555-1234", "US", "+16505551234"],
    ["650.555.1234", "US", "+16505551234"],
    ["0044 20 7946 0958", "US", "+442079460958"],
    ["00 1 650 555 1234", "GB", "+16505551234"],
    ["020 7946 0958", "GB", "+442079460958"],
    ["  +1 650 555 1234  ", "DE", "+16505551234"],
  ])("normalisePhone(%j, %s) is %s", (raw, country, e164) => {
    expect(normalisePhone(raw, country)).toBe(e164);
  });

  it.each([
    ["+44 20 7946 0958", "US", "+442079460958"],
    ["(650) 555-1234", "US", "+16505551234"],
    ["0044 20 7946 0958", "US", "+442079460958"],
    ["020 7946 0958", "GB", "+442079460958"],
  ])("hashPhone(%j, %s) is the hash of %s", (raw, country, e164) => {
    expect(hashPhone(raw, country)).toEqual({ ok: true, hash: sha(e164) });
  });

  it("a national number is read with the default country, so the country changes the result", () => {
    // A UK national number is not a valid US number.
    expect(normalisePhone("020 7946 0958", "US")).toBeUndefined();
    expect(hashPhone("020 7946 0958", "US").ok).toBe(false);
  });

  it.each(["not a phone", "12", "555-CALL-NOW", "", "+"])("%j is not a phone number", (raw) => {
    expect(normalisePhone(raw, "US")).toBeUndefined();
    const result = hashPhone(raw, "US");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain("E.164");
    // The reason tells the operator which default country was used.
    expect(result.reason).toContain("US");
  });
});

describe("values that already are SHA-256 hex pass through lower-cased, never hashed twice", () => {
  const lower = sha("john.doe@example.com");
  const upper = lower.toUpperCase();

  it.each([
    ["email", (v: string) => hashEmail(v)],
    ["phone", (v: string) => hashPhone(v, "US")],
    ["external_id", (v: string) => hashExternalId(v)],
    ["first_name / last_name", (v: string) => hashName(v)],
    ["zip_code", (v: string) => hashZipCode(v)],
  ])("%s", (_field, hash) => {
    expect(hash(lower)).toEqual({ ok: true, hash: lower });
    expect(hash(upper)).toEqual({ ok: true, hash: lower });
    expect(hash(`  ${upper} `)).toEqual({ ok: true, hash: lower });
  });

  it("63 or 65 hex characters are not a hash and are treated as plain values", () => {
    expect(isSha256Hex(lower)).toBe(true);
    expect(isSha256Hex(lower.slice(1))).toBe(false);
    expect(isSha256Hex(`${lower}a`)).toBe(false);
    expect(isSha256Hex(`g${lower.slice(1)}`)).toBe(false);
    const external63 = lower.slice(1);
    expect(hashExternalId(external63)).toEqual({ ok: true, hash: sha(external63) });
  });
});

describe("email", () => {
  it("is trimmed and lower-cased, dots kept (no gmail rewriting)", () => {
    expect(hashEmail("  First.Last+tag@GMAIL.com\t")).toEqual({ ok: true, hash: sha("first.last+tag@gmail.com") });
  });

  it.each(["john.doe.example.com", "", "   ", "@example.com", "john@", "john doe@example.com"])(
    "%j is rejected as not an e-mail address",
    (raw) => {
      const result = hashEmail(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/e-mail/);
    },
  );
});

describe("names, zip code, external_id", () => {
  it("first/last names are trimmed and lower-cased", () => {
    expect(hashName("  JoHN ")).toEqual({ ok: true, hash: sha("john") });
    expect(hashName("Müller")).toEqual({ ok: true, hash: sha("müller") });
  });

  it("an empty name is rejected", () => {
    expect(hashName("   ")).toEqual({ ok: false, reason: "is empty" });
  });

  it("zip code loses spaces and dashes and is lower-cased: 'AB1 2-CD' → 'ab12cd'", () => {
    expect(hashZipCode("AB1 2-CD")).toEqual({ ok: true, hash: sha("ab12cd") });
    expect(hashZipCode("94103-1234")).toEqual({ ok: true, hash: sha("941031234") });
    expect(hashZipCode(" - ")).toEqual({ ok: false, reason: "is empty" });
  });

  it("external_id keeps its case: 'ABC' and 'abc' hash differently (the pixel must hash the same string)", () => {
    const upper = hashExternalId("ABC");
    const lowerCase = hashExternalId("abc");
    expect(upper).toEqual({ ok: true, hash: sha("ABC") });
    expect(lowerCase).toEqual({ ok: true, hash: sha("abc") });
    expect(upper).not.toEqual(lowerCase);
  });

  it("an empty external_id is rejected", () => {
    expect(hashExternalId("  ")).toEqual({ ok: false, reason: "is empty" });
  });
});

describe("sha256Hex", () => {
  it("is createHash's SHA-256 of the UTF-8 text, for any text (lone surrogates included)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (text) => {
        expect(sha256Hex(text)).toBe(sha(text));
      }),
      { numRuns: 3000, seed: 20261203 },
    );
  });
});
