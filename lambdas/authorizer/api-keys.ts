import { createHash, timingSafeEqual } from "node:crypto";

// Keys are compared as SHA-256 digests, so the comparison takes the same time whatever the length or
// content of the presented key, and every valid key is checked (no early exit reveals which matched).

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Several keys may be valid at once (rotation): separated by commas or whitespace. */
export function parseKeys(secret: string): string[] {
  return secret.split(/[\s,]+/).filter((key) => key.length > 0);
}

export function bearerToken(headers: Record<string, string | undefined> | null | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== "authorization" || !value) continue;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
    return match?.[1];
  }
  return undefined;
}

export function isValidKey(presented: string | undefined, validKeys: string[]): boolean {
  if (!presented) return false;
  const candidate = digest(presented);
  let valid = false;
  for (const key of validKeys) valid = timingSafeEqual(candidate, digest(key)) || valid;
  return valid;
}
