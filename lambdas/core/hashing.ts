import * as crypto from "node:crypto";
import { isSupportedCountry } from "libphonenumber-js";
import { toE164 } from "./phone-number";

// Normalise + SHA-256 rules from TikTok's Events API guide. A value that already is a SHA-256 hex digest
// is passed through lower-cased so that callers who hash on their side are never hashed twice.

const SHA256_HEX = /^[0-9a-f]{64}$/i;

export type Hashed = { ok: true; hash: string } | { ok: false; reason: string };

// crypto.hash (Node 20.12 and later) hashes in one call, without a Hash object per value: a third of
// createHash's cost, which was most of the cost of hashing an event's identifiers. Both read a string as UTF-8.
// Read from the namespace, as earlier Node 20 releases have no such export.
const oneShot = typeof crypto.hash === "function" ? crypto.hash : undefined;

export function sha256Hex(value: string): string {
  return oneShot ? oneShot("sha256", value, "hex") : crypto.createHash("sha256").update(value, "utf8").digest("hex");
}

export function isSha256Hex(value: string): boolean {
  // Most identifiers are not 64 characters long: no regex for them (every identifier of every event asks).
  return value.length === 64 && SHA256_HEX.test(value);
}

function hashed(value: string): Hashed {
  return { ok: true, hash: sha256Hex(value) };
}

function passThrough(value: string): Hashed | undefined {
  const trimmed = value.trim();
  return isSha256Hex(trimmed) ? { ok: true, hash: trimmed.toLowerCase() } : undefined;
}

/** Trim and lower-case; no provider-specific rewriting (gmail dots stay). */
export function hashEmail(raw: string): Hashed {
  const pre = passThrough(raw);
  if (pre) return pre;
  const email = raw.trim().toLowerCase();
  const at = email.indexOf("@");
  if (at < 1 || at === email.length - 1 || /\s/.test(email)) {
    return { ok: false, reason: "is not an e-mail address (expected name@domain)" };
  }
  return hashed(email);
}

/** E.164 (`+` country code, digits) before hashing; `00` international prefixes are read as `+` (phone-number.ts). */
export function normalisePhone(raw: string, defaultCountry: string): string | undefined {
  return toE164(raw, defaultCountry);
}

/**
 * The country to read a national phone number in: the event's own `user.country` when it is an ISO 3166-1
 * code libphonenumber knows (a shopper in GB writes 020…), else undefined (the relay's default applies).
 */
export function phoneCountryOf(country: string | undefined): string | undefined {
  const code = country?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) && isSupportedCountry(code) ? code : undefined;
}

export function hashPhone(raw: string, defaultCountry: string): Hashed {
  const pre = passThrough(raw);
  if (pre) return pre;
  const e164 = normalisePhone(raw, defaultCountry);
  if (!e164) {
    return {
      ok: false,
      reason: `cannot be read as a phone number in E.164 (give it with its country code, e.g. +44..., or send user.country or set the default country; read as a number of ${defaultCountry})`,
    };
  }
  return hashed(e164);
}

/** Trimmed only: the case is kept, so the browser pixel must hash the same string. */
export function hashExternalId(raw: string): Hashed {
  return passThrough(raw) ?? (raw.trim() ? hashed(raw.trim()) : { ok: false, reason: "is empty" });
}

export function hashName(raw: string): Hashed {
  const name = raw.trim().toLowerCase();
  return passThrough(raw) ?? (name ? hashed(name) : { ok: false, reason: "is empty" });
}

export function hashZipCode(raw: string): Hashed {
  const zip = raw.replace(/[\s-]/g, "").toLowerCase();
  return passThrough(raw) ?? (zip ? hashed(zip) : { ok: false, reason: "is empty" });
}
