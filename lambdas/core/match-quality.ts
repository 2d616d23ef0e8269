import type { TikTokEvent } from "./schema";

// Which identifiers ("match keys") an event carries, and a coverage score. TikTok matches a server event to a
// person and an ad click through these; the more (and the stronger) keys, the more conversions it attributes.
// The weights rank what public guidance from ad platforms says helps matching most: a click id or a
// verified e-mail/phone identifies the person; ip + user agent only narrow it down.

export const MATCH_KEYS = ["email", "phone", "ttclid", "external_id", "ttp", "ip", "user_agent", "name", "address"] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

/** Weights sum to 100: the score is the share of matching power an event carries. */
export const MATCH_KEY_WEIGHTS: Record<MatchKey, number> = {
  email: 25,
  phone: 20,
  ttclid: 20,
  external_id: 10,
  ttp: 10,
  ip: 5,
  user_agent: 5,
  name: 2.5,
  address: 2.5,
};

/** Each of these on its own usually identifies the person or the click. */
export const STRONG_KEYS: readonly MatchKey[] = ["email", "phone", "ttclid"];

/** Events where a missing strong key costs attributed revenue, so the caller is warned. */
export const PURCHASE_EVENTS = new Set(["CompletePayment", "Purchase", "PlaceAnOrder"]);

export function matchKeys(event: TikTokEvent): MatchKey[] {
  // In MATCH_KEYS' order; written out, as it runs for every event ingested.
  const keys: MatchKey[] = [];
  const user = event.user;
  if (user === undefined) return keys;
  if (user.email !== undefined) keys.push("email");
  if (user.phone !== undefined) keys.push("phone");
  if (user.ttclid !== undefined) keys.push("ttclid");
  if (user.external_id !== undefined) keys.push("external_id");
  if (user.ttp !== undefined) keys.push("ttp");
  if (user.ip !== undefined) keys.push("ip");
  if (user.user_agent !== undefined) keys.push("user_agent");
  if (user.first_name !== undefined || user.last_name !== undefined) keys.push("name");
  if (user.zip_code !== undefined || user.city !== undefined || user.state !== undefined || user.country !== undefined)
    keys.push("address");
  return keys;
}

export function coverageScore(keys: readonly MatchKey[]): number {
  return keys.reduce((score, key) => score + MATCH_KEY_WEIGHTS[key], 0);
}

export function hasStrongKey(keys: readonly MatchKey[]): boolean {
  return keys.some((key) => STRONG_KEYS.includes(key));
}

/** The warning a caller gets for a purchase TikTok will rarely match, or undefined. */
export function purchaseMatchWarning(event: TikTokEvent, keys: readonly MatchKey[]): string | undefined {
  if (!PURCHASE_EVENTS.has(event.event) || hasStrongKey(keys)) return undefined;
  return `${event.event} without email, phone or ttclid will rarely match: send the shopper's e-mail and phone, and the ttclid captured at landing`;
}

/** Running counts for a group of events (a pixel and event name, or everything). */
export interface CoverageTally {
  events: number;
  scoreSum: number;
  withStrongKey: number;
  keys: Record<MatchKey, number>;
}

export function emptyTally(): CoverageTally {
  return {
    events: 0,
    scoreSum: 0,
    withStrongKey: 0,
    keys: Object.fromEntries(MATCH_KEYS.map((key) => [key, 0])) as Record<MatchKey, number>,
  };
}

export function addToTally(tally: CoverageTally, event: TikTokEvent): void {
  const keys = matchKeys(event);
  tally.events += 1;
  tally.scoreSum += coverageScore(keys);
  if (hasStrongKey(keys)) tally.withStrongKey += 1;
  for (const key of keys) tally.keys[key] += 1;
}

/** The metric name of "events carrying this key": WithEmail, WithExternalId, ... */
export function keyMetricName(key: MatchKey): string {
  return `With${key.replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}`;
}
