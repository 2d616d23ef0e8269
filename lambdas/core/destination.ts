// Where an event goes at TikTok: an event source (web pixel, offline event set, CRM event set), its id, and
// an optional test event code. One TikTok request carries exactly one destination.

export const EVENT_SOURCES = ["web", "offline", "crm"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface Destination {
  source: EventSource;
  /** The pixel code (web) or event set id (offline, crm): TikTok's event_source_id. */
  id: string;
  /** Events Manager → Test events; unset in production. */
  testEventCode?: string;
  /**
   * The tenant (shop) whose event this is: its token sends it, its metrics count it. Unset in the single-shop
   * setup, and in messages queued before tenants existed.
   */
  tenant?: string;
}

/** A web pixel: the default destination and what the user-facing `pixel_code` names. */
export function webDestination(pixelCode: string, testEventCode?: string): Destination {
  return testEventCode ? { source: "web", id: pixelCode, testEventCode } : { source: "web", id: pixelCode };
}

/** Names a destination: requests are grouped by it. */
export function destinationKey(destination: Destination): string {
  // A tenant's requests never share a TikTok request (nor a token) with another tenant's.
  const key: unknown[] = [destination.source, destination.id, destination.testEventCode ?? null];
  if (destination.tenant !== undefined) key.push(destination.tenant);
  return JSON.stringify(key);
}

/** The destination as a short label for logs and metric dimensions: "web:C4PIXEL...". */
export function destinationLabel(destination: Pick<Destination, "source" | "id">): string {
  return `${destination.source}:${destination.id}`;
}

/**
 * The destination as the delivery ledger names it: a tenant's events are remembered under "<tenant>/web:…",
 * so `npm run trace` shows whose delivery it was and one tenant's records never answer for another's.
 */
export function ledgerDestinationLabel(destination: Destination): string {
  const label = destinationLabel(destination);
  return destination.tenant === undefined ? label : `${destination.tenant}/${label}`;
}
