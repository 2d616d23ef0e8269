import { createHmac, timingSafeEqual } from "node:crypto";

// WooCommerce signs each delivery with base64(HMAC-SHA256(raw body, secret)). The check runs on the raw
// bytes as received (a re-serialised JSON body would not match) and in constant time; every configured
// secret is tried, so a secret can be rotated without losing deliveries.

export function signatureMatches(rawBody: Buffer, signature: string | undefined, secrets: string[]): boolean {
  if (!signature) return false;
  const presented = Buffer.from(signature.trim(), "base64");
  let valid = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(rawBody).digest();
    valid = (presented.length === expected.length && timingSafeEqual(presented, expected)) || valid;
  }
  return valid;
}

/**
 * Whether a header could be WooCommerce's signature at all (base64 of 32 bytes), checked before the secret is
 * read: anything else is refused without that work.
 */
export function looksLikeSignature(signature: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(signature.trim());
}

/** What WooCommerce would send: for tests and for documentation of the scheme. */
export function signBody(rawBody: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

/**
 * Several secrets (a rotation) are separated by newlines only: a WooCommerce-generated secret may contain
 * commas and spaces.
 */
export function parseSecrets(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((secret) => secret.trim())
    .filter(Boolean);
}
