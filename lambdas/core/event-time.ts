// TikTok wants integer UNIX seconds. Callers send seconds, milliseconds or ISO-8601; a wrong unit is the
// most common bug integrations ship, so the unit is inferred and the result bounded in time.

/** Timestamps at or above this are milliseconds: as seconds it would be the year 5138. */
const MILLISECONDS_FROM = 100_000_000_000;
/** Clocks disagree; a shop's server a few minutes ahead is not an error. */
export const FUTURE_SKEW_SECONDS = 300;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

export type EventTime = { ok: true; seconds: number } | { ok: false; message: string };

export function parseEventTime(input: number | string | undefined, nowSeconds: number, maxAgeDays: number): EventTime {
  if (input === undefined) return { ok: true, seconds: nowSeconds };
  const seconds = toSeconds(input);
  if (seconds === undefined) {
    return {
      ok: false,
      message:
        "cannot be read as a time: send UNIX seconds (1767225600), UNIX milliseconds, or ISO-8601 with a zone (2026-01-01T00:00:00Z)",
    };
  }
  if (seconds > nowSeconds + FUTURE_SKEW_SECONDS) {
    return {
      ok: false,
      message: `is ${seconds - nowSeconds} s in the future (${isoTime(seconds)}); check the unit and the clock of the sender`,
    };
  }
  if (seconds < nowSeconds - maxAgeDays * 86_400) {
    return {
      ok: false,
      message: `is older than ${maxAgeDays} days (${isoTime(seconds)}); TikTok does not attribute events that old`,
    };
  }
  return { ok: true, seconds };
}

/** The time as ISO-8601; a number beyond what Date can hold (toISOString would throw) is shown as it is. */
export function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} s after 1970` : date.toISOString();
}

/** Date.parse rolls 2026-02-30 over to March; a calendar that does not exist is an error instead. */
function isRealDate(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59;
}

function toSeconds(input: number | string): number | undefined {
  if (typeof input === "string") {
    const value = input.trim();
    if (/^\d+(\.\d+)?$/.test(value)) return toSeconds(Number(value));
    const match = ISO_8601.exec(value);
    if (!match || !isRealDate(match)) return undefined;
    // Date.parse wants "+02:00"; "+02" and "+0200" are ISO-8601 too.
    const zone = match[8]!.toUpperCase();
    const normalisedZone = zone === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(3).replace(":", "") || "00"}`;
    const ms = Date.parse(value.slice(0, value.length - zone.length).replace(" ", "T") + normalisedZone);
    return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
  }
  if (!Number.isFinite(input) || input <= 0) return undefined;
  return Math.floor(input >= MILLISECONDS_FROM ? input / 1000 : input);
}
