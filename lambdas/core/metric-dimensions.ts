import {
  CUSTOM_EVENT_DIMENSION_VALUE,
  EVENT_FIELD_SECTIONS,
  INGEST_REFUSAL_REASONS,
  type IngestRefusalReason,
  OTHER_DIMENSION_VALUE,
} from "../contract";
import { type Destination, destinationLabel } from "./destination";
import { isStandardEvent } from "./event-names";
import type { EventIssue } from "./schema";

// Metric dimension values from what callers send, bounded: CloudWatch bills each distinct combination of
// dimension values as one custom metric, so a caller who could choose them could run up the bill (1,000
// random field names or pixel codes in one request would be 1,000 metrics a month). Every function here
// maps an unbounded input onto a fixed list, a value the operator configured, or the catch-all.

const SECTIONS = new Set<string>(EVENT_FIELD_SECTIONS);
const REASONS = new Set<string>(INGEST_REFUSAL_REASONS);

// prepareEvent words an unknown field's issue so (lambdas/core/prepare.ts); a test pins the two together.
const UNKNOWN_FIELD = /^unknown field\b/;

/** The refusal reason of an invalid event's (first) issue: its field's section, never the field's name. */
export function refusalReason(issue: Pick<EventIssue, "path" | "message">): IngestRefusalReason {
  if (UNKNOWN_FIELD.test(issue.message)) return "unknown_field";
  const section = issue.path.split(".")[0]!;
  return SECTIONS.has(section) ? (`invalid:${section}` as IngestRefusalReason) : "invalid:other";
}

/** A reason as a dimension value: one of the contract's list, or the catch-all (defence in depth). */
export function reasonDimension(reason: string, allowed: ReadonlySet<string> = REASONS): string {
  return allowed.has(reason) ? reason : OTHER_DIMENSION_VALUE;
}

/** The destinations whose own label may be a dimension value: the ones the operator configured. */
export function configuredDestinations(pixelCodes: readonly (string | undefined)[]): ReadonlySet<string> {
  return new Set(pixelCodes.filter((code): code is string => Boolean(code)).map((id) => destinationLabel({ source: "web", id })));
}

/** "web:<pixel>" for a configured pixel, "web:other" for one a caller chose. */
export function destinationDimension(destination: Pick<Destination, "source" | "id">, configured: ReadonlySet<string>): string {
  const label = destinationLabel(destination);
  return configured.has(label) ? label : destinationLabel({ source: destination.source, id: OTHER_DIMENSION_VALUE });
}

/** A standard event name as it is; "custom" for any other (callers may invent names with ALLOW_CUSTOM_EVENTS). */
export function eventNameDimension(eventName: string): string {
  return isStandardEvent(eventName) ? eventName : CUSTOM_EVENT_DIMENSION_VALUE;
}
