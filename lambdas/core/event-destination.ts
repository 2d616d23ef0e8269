import { ENV, EVENT_SET_ID, PIXEL_CODE } from "../contract";
import { type Destination, EVENT_SOURCES, type EventSource } from "./destination";

// Which destination an event goes to. A caller names it with TikTok's own fields, `event_source` and
// `event_source_id`, or with `pixel_code` (the web alias), on the event or on its batch; the relay's
// configuration gives each source a default id, as TIKTOK_PIXEL_CODE always did for web events.

/** Where an event goes: a source and, when the caller named one, that source's id. */
export interface EventTarget {
  source: EventSource;
  id?: string;
}

/** The fields a caller names a destination with, on an event or on a batch. */
export interface TargetFields {
  event_source?: EventSource;
  event_source_id?: string;
  pixel_code?: string;
}

/** What the relay is configured with: one id per source, and the test event code. */
export interface DestinationDefaults {
  pixelCode?: string;
  offlineEventSetId?: string;
  crmEventSetId?: string;
  testEventCode?: string;
}

/** "an offline event", "a CRM event": how messages name a source's events. */
export const SOURCE_LABEL: Record<EventSource, string> = { web: "a web", offline: "an offline", crm: "a CRM" };

export type Resolved<T> = { ok: true; value: T } | { ok: false; path: string; message: string };

/** What the fields say, before a batch's defaults: the source may be left open, the id too. */
export function readTarget(fields: TargetFields): Resolved<Partial<EventTarget>> {
  const { event_source: source, event_source_id: id, pixel_code: pixel } = fields;
  if (pixel !== undefined) {
    if (source !== undefined && source !== "web") {
      return {
        ok: false,
        path: "pixel_code",
        message: `names a web pixel; ${SOURCE_LABEL[source]} event names its event set in event_source_id instead`,
      };
    }
    if (id !== undefined && id !== pixel) {
      return {
        ok: false,
        path: "pixel_code",
        message: "differs from event_source_id: send one of them (pixel_code is a web event's event_source_id)",
      };
    }
    return { ok: true, value: { source: "web", id: pixel } };
  }
  return { ok: true, value: { ...(source !== undefined ? { source } : {}), ...(id !== undefined ? { id } : {}) } };
}

/** A batch's fields as posted (any JSON): the same rules as an event's, and each id checked against its source. */
export function readBatchTarget(fields: {
  event_source: unknown;
  event_source_id: unknown;
  pixel_code: unknown;
}): Resolved<Partial<EventTarget>> {
  const { event_source: source, event_source_id: id, pixel_code: pixel } = fields;
  if (source !== undefined && !(EVENT_SOURCES as readonly unknown[]).includes(source)) {
    return {
      ok: false,
      path: "event_source",
      message: `must be ${EVENT_SOURCES.join(", ")} (app events are not supported: see the README)`,
    };
  }
  if (id !== undefined && (typeof id !== "string" || id.length === 0 || id.length > 64)) {
    return {
      ok: false,
      path: "event_source_id",
      message: "must be a string of 1 to 64 characters (a pixel code, or an offline or CRM event set id)",
    };
  }
  const target = readTarget({
    event_source: source as EventSource | undefined,
    event_source_id: id as string | undefined,
    pixel_code: pixel as string | undefined,
  });
  if (!target.ok || target.value.id === undefined) return target;
  const problem = idProblem(target.value.source ?? "web", target.value.id);
  return problem ? { ok: false, path: "event_source_id", message: problem } : target;
}

/**
 * The event's own source, else its batch's, else web; the event's own id, else its batch's when the batch is
 * for the same source. The id must look like the source's kind of id.
 */
export function resolveTarget(own: Partial<EventTarget>, batch: Partial<EventTarget> = {}): Resolved<EventTarget> {
  const source = own.source ?? batch.source ?? "web";
  const id = own.id ?? ((batch.source ?? "web") === source ? batch.id : undefined);
  if (id !== undefined) {
    const problem = idProblem(source, id);
    if (problem) return { ok: false, path: "event_source_id", message: problem };
  }
  return { ok: true, value: id === undefined ? { source } : { source, id } };
}

/** Why `id` cannot be an id of `source`, or undefined. */
export function idProblem(source: EventSource, id: string): string | undefined {
  if (source === "web")
    return PIXEL_CODE.test(id) ? undefined : "a web event's event_source_id is a TikTok pixel code (10 to 32 letters and digits)";
  return EVENT_SET_ID.test(id)
    ? undefined
    : `${SOURCE_LABEL[source]} event's event_source_id is a TikTok ${source === "crm" ? "CRM" : source} event set id (1 to 64 letters and digits, sent as a string)`;
}

const DEFAULT_ID: Record<EventSource, { key: keyof DestinationDefaults; env: string; context: string; what: string }> = {
  web: { key: "pixelCode", env: ENV.pixelCode, context: "pixelCode", what: "pixel" },
  offline: { key: "offlineEventSetId", env: ENV.offlineEventSetId, context: "offlineEventSetId", what: "offline event set" },
  crm: { key: "crmEventSetId", env: ENV.crmEventSetId, context: "crmEventSetId", what: "CRM event set" },
};

/** The destination of an event: its target, completed with the relay's defaults. */
export function destinationFor(target: EventTarget, defaults: DestinationDefaults): Resolved<Destination> {
  const fallback = DEFAULT_ID[target.source];
  const id = target.id ?? defaults[fallback.key];
  if (!id) {
    // The web wording predates the other sources; callers and tests know it.
    if (target.source === "web")
      return { ok: false, path: "pixel_code", message: `no pixel: set ${ENV.pixelCode} on the relay, or send pixel_code` };
    return {
      ok: false,
      path: "event_source_id",
      message: `no ${fallback.what}: set ${fallback.env} on the relay (CDK context ${fallback.context}), or send event_source_id`,
    };
  }
  const destination: Destination = { source: target.source, id };
  if (defaults.testEventCode) destination.testEventCode = defaults.testEventCode;
  return { ok: true, value: destination };
}
