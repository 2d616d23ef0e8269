import { INTEGER_SETTINGS } from "../contract";
import type { EventSource } from "./destination";

// How old an event may be, by event source: web events follow the pixel's attribution (MAX_EVENT_AGE_DAYS),
// offline and CRM events have their own bounds (the contract says why). Ingest refuses older events and the
// sender dead-letters events that grew older while they waited: both ask here, so they cannot disagree.

export interface EventAgeLimits {
  maxEventAgeDays: number;
  /** Absent: the contract's default. */
  offlineMaxEventAgeDays?: number;
  crmMaxEventAgeDays?: number;
}

export function maxEventAgeDaysFor(source: EventSource, limits: EventAgeLimits): number {
  switch (source) {
    case "web":
      return limits.maxEventAgeDays;
    case "offline":
      return limits.offlineMaxEventAgeDays ?? INTEGER_SETTINGS.offlineMaxEventAgeDays.default;
    case "crm":
      return limits.crmMaxEventAgeDays ?? INTEGER_SETTINGS.crmMaxEventAgeDays.default;
  }
}

/** The setting that bounds a source's events, for messages that tell the operator what to change. */
export function maxEventAgeSetting(source: EventSource): string {
  return {
    web: INTEGER_SETTINGS.maxEventAgeDays.env,
    offline: INTEGER_SETTINGS.offlineMaxEventAgeDays.env,
    crm: INTEGER_SETTINGS.crmMaxEventAgeDays.env,
  }[source];
}
