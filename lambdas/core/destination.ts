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
}

/** A web pixel: the default destination and what the user-facing `pixel_code` names. */
export function webDestination(pixelCode: string, testEventCode?: string): Destination {
  return testEventCode ? { source: "web", id: pixelCode, testEventCode } : { source: "web", id: pixelCode };
}

/** Names a destination: requests are grouped by it. */
export function destinationKey(destination: Destination): string {
  return JSON.stringify([destination.source, destination.id, destination.testEventCode ?? null]);
}

/** The destination as a short label for logs and metric dimensions: "web:C4PIXEL...". */
export function destinationLabel(destination: Pick<Destination, "source" | "id">): string {
  return `${destination.source}:${destination.id}`;
}
