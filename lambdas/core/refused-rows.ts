// Which events of a refused request were the bad ones, as far as TikTok's answer says.
//
// Code 20001 ("partial success", PARTIAL_OK in TikTok's SDK) says some events of a request were not
// accepted. No public source shows the body (see the reference notes), so this reads it defensively: a list
// of failures in `data`, each naming an event by its index in `data[]` or by its event_id, with a message.
// Only a list that accounts for events of this very request is trusted; anything else is "not named", and
// the sender isolates the refused events by bisection, as for a bad row (a part answered 0 is delivered).

/** The refused events of a request, by their index in `data[]`, with TikTok's message for each. */
export type NamedFailures = Map<number, string>;

const LIST_KEYS = ["failed_events", "failed", "errors", "error_events", "invalid_events", "partial_failures", "failures"];
const MESSAGE_KEYS = ["message", "msg", "error", "reason", "error_message", "error_msg"];

export function namedFailures(data: unknown, eventIds: readonly string[]): NamedFailures | undefined {
  const list = failureList(data);
  if (!list || list.length === 0) return undefined;
  const byId = new Map<string, number[]>();
  for (const [index, id] of eventIds.entries()) byId.set(id, [...(byId.get(id) ?? []), index]);
  const failures: NamedFailures = new Map();
  for (const entry of list) {
    const indexes = indexesOf(entry, eventIds.length, byId);
    // One entry we cannot place makes the whole list untrustworthy: isolate by bisection instead.
    if (indexes === undefined) return undefined;
    for (const index of indexes) failures.set(index, messageOf(entry));
  }
  // Every event refused is not a partial success: let bisection confirm rather than trust the list.
  return failures.size > 0 && failures.size < eventIds.length ? failures : undefined;
}

function failureList(data: unknown): unknown[] | undefined {
  if (Array.isArray(data)) return data;
  if (typeof data !== "object" || data === null) return undefined;
  for (const key of LIST_KEYS) {
    const value = (data as Record<string, unknown>)[key];
    if (Array.isArray(value)) return value;
  }
  return undefined;
}

function indexesOf(entry: unknown, count: number, byId: Map<string, number[]>): number[] | undefined {
  if (typeof entry === "number") return Number.isInteger(entry) && entry >= 0 && entry < count ? [entry] : undefined;
  if (typeof entry === "string") return byId.get(entry);
  if (typeof entry !== "object" || entry === null) return undefined;
  const record = entry as Record<string, unknown>;
  const index = record.index ?? record.event_index ?? record.data_index;
  if (typeof index === "number") return Number.isInteger(index) && index >= 0 && index < count ? [index] : undefined;
  const id = record.event_id ?? record.eventId;
  return typeof id === "string" ? byId.get(id) : undefined;
}

function messageOf(entry: unknown): string {
  if (typeof entry === "object" && entry !== null) {
    for (const key of MESSAGE_KEYS) {
      const value = (entry as Record<string, unknown>)[key];
      if (typeof value === "string" && value.trim()) return value.slice(0, 500);
    }
  }
  return "TikTok did not accept this event (code 20001, partial success)";
}

/**
 * Where a 40002's message points, if it does: TikTok's messages name the field's path, and public recordings
 * show the row's index first ("Batch.0.properties.contents.0.content_id: Not a valid string"). Only a hint
 * for where to split: the row is dead-lettered only when it is refused on its own.
 */
export function badRowHint(message: string, count: number): number | undefined {
  const match = /\b(?:data|batch)\.(\d{1,4})\./i.exec(message);
  const index = match ? Number(match[1]) : Number.NaN;
  return Number.isInteger(index) && index >= 0 && index < count ? index : undefined;
}
