import fc from "fast-check";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { toE164 } from "../../lambdas/core/phone-number";

// The phone fast path must answer exactly as libphonenumber's full parse (with isPossible) does: it only skips
// the work, never changes a hash.

/** The relay's rule before the fast path: 00 read as +, then libphonenumber's full parse. */
const fullParse = (raw: string, country: string) => {
  const compact = raw.trim().replace(/[\s().-]/g, "");
  const parsed = parsePhoneNumberFromString(/^00[1-9]/.test(compact) ? `+${compact.slice(2)}` : raw, country as CountryCode);
  return parsed?.isPossible() ? parsed.number : undefined;
};

describe("phone numbers: the fast path agrees with the full parse", () => {
  it("on international numbers, formatted or not", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{6,14}$/), fc.constantFrom("", " ", "-"), (digits, separator) => {
        const raw = `+${digits.slice(0, 3)}${separator}${digits.slice(3)}`;
        expect(toE164(raw, "US")).toBe(fullParse(raw, "US"));
      }),
      { numRuns: 5000, seed: 20261203 },
    );
  });

  it("on national numbers of the default country", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{5,14}$/),
        fc.constantFrom("US", "GB", "DE", "FR", "IT", "BR", "IN", "JP", "AU", "AR", "MX", "CN", "RU", "NL", "ES"),
        (digits, country) => {
          expect(toE164(digits, country)).toBe(fullParse(digits, country));
        },
      ),
      { numRuns: 5000, seed: 20261203 },
    );
  });

  it("a national number whose length only some countries of its calling code allow takes the full parse", () => {
    // Found by the property above: +44 is shared by GB, GG, IM and JE, and the full parse placed it in IM.
    expect(toE164("7524000", "GB")).toBe(fullParse("7524000", "GB"));
  });

  it.each([
    ["+1 (650) 555-1234", "US", "+16505551234"],
    ["+44 020 7946 0958", "US", "+442079460958"],
    ["+39 06 6982 1234", "US", "+390669821234"],
    ["(650) 555-1234", "US", "+16505551234"],
    ["1 650 555 1234", "US", "+16505551234"],
    ["030 901820", "DE", "+4930901820"],
  ])("%j (%s) is %s", (raw, country, e164) => {
    expect(toE164(raw, country)).toBe(e164);
  });

  it("accepts a possible number libphonenumber calls invalid (match rate: it may be the shopper's real number)", () => {
    // No US area code starts with 1: the right length, not an allocated range.
    expect(parsePhoneNumberFromString("+1 650 100 1234")?.isValid()).toBe(false);
    expect(toE164("+1 650 100 1234", "US")).toBe("+16501001234");
    // A number of the wrong length still is not one.
    expect(toE164("+1 650 555 123", "US")).toBeUndefined();
  });
});
