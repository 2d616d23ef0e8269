import { HEALTH_BODY, type IngestRefusalReason } from "../contract";
import type { IngestConfig } from "../core/config";
import { destinationLabel } from "../core/destination";
import { type DestinationDefaults, destinationFor, type EventTarget, readBatchTarget } from "../core/event-destination";
import { type EventQueue, exceedsQueueEntryLimit, MAX_QUEUE_ENTRY_BYTES, type QueueEntry, queueEntry } from "../core/event-queue";
import { bodyText, type HttpHandler, type HttpRequest, jsonResponse } from "../core/http";
import { parseLduRegion } from "../core/limited-data-use";
import type { Log } from "../core/log";
import { refusalReason } from "../core/metric-dimensions";
import { type PrepareOptions, prepareEvent } from "../core/prepare";
import type { IngestReport } from "../core/reports";
import { type EventIssue, LIMITS, PIXEL_CODE } from "../core/schema";
import { ownsDestination, type TenantDirectory, tenantIngestConfig } from "../core/tenant";

// POST /events: validated, hashed events → one queue message each. All or nothing: if any event is invalid,
// none is enqueued and the caller learns every problem at once. The caller's key was checked by the API's
// authorizer before this runs (lambdas/authorizer).

export type { IngestReport };

export interface IngestDeps {
  config: IngestConfig;
  queue: EventQueue;
  log: Log;
  now?: () => number;
  /** Told what became of each request's events: metrics in AWS, the /stats page locally. */
  observe?: (report: IngestReport) => void;
  /** Tenants: a request whose key is a tenant's uses the tenant's defaults and may only send to its destinations. */
  tenants?: Pick<TenantDirectory, "tenant">;
}

/** A short list of ids is worth a log line; a thousand is not (logs are billed by the byte). */
const LOGGED_IDS = 20;

const ENVELOPE_KEYS = new Set(["data", "pixel_code", "event_source", "event_source_id", "test_event_code"]);

export function createIngestHandler(deps: IngestDeps): HttpHandler {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return async (request) => {
    // Only GET /health reaches this function with GET (the HTTP API has no mock integration for it).
    if (request.method === "GET") return jsonResponse(200, HEALTH_BODY);
    const result = await ingest(request);
    // A request that went through as sent is logged at DEBUG: at the default level (INFO) a single-event POST
    // then writes no line (the API's access log has it; the sender logs the delivered event ids), which keeps
    // CloudWatch Logs at cents per million events. Anything else, at INFO.
    const routine = result.statusCode === 202 && result.logFields?.warnings === 0 && isEmpty(result.report.rejected);
    if (!routine) deps.log.info("ingest", logFields(request, result));
    else if (deps.log.debug) deps.log.debug("ingest", logFields(request, result));
    deps.observe?.(result.report);
    return jsonResponse(result.statusCode, result.body, corsHeaders(request.headers, deps.config.corsAllowOrigins));
  };

  async function ingest(request: HttpRequest): Promise<Reply> {
    const report: IngestReport = { received: 0, accepted: [], rejected: {} };
    const bytes = request.body;
    if (bytes.length > deps.config.maxBodyBytes) {
      refuse(report, "too_large");
      return reply(report, 413, {
        error: `body is ${bytes.length} bytes; the limit is ${deps.config.maxBodyBytes}: post fewer events per request`,
      });
    }
    let body: unknown;
    try {
      const text = bodyText(request);
      if (text === undefined) throw new Error("not UTF-8");
      body = JSON.parse(text);
    } catch (error) {
      const why = error instanceof SyntaxError ? jsonErrorWithoutInput(error) : "not UTF-8";
      refuse(report, "body_not_json");
      return reply(report, 400, { error: `body is not valid JSON (${why}): send one event object, or {"data": [events]}` });
    }
    const envelope = readEnvelope(body);
    if ("error" in envelope) {
      refuse(report, envelope.status === 413 ? "too_many_events" : "bad_envelope");
      return reply(report, envelope.status, { error: envelope.error });
    }
    report.received = envelope.events.length;

    // A tenant's key: the tenant's pixels, event sets and event settings replace the relay's.
    let config = deps.config;
    let tenant: Awaited<ReturnType<TenantDirectory["tenant"]>>;
    if (request.tenant !== undefined) {
      tenant = deps.tenants ? await deps.tenants.tenant(request.tenant) : undefined;
      if (!tenant) {
        refuse(report, "tenant_destination", envelope.events.length);
        return reply(report, 403, { error: "this key's tenant no longer exists on the relay: ask the relay's operator for a current key" });
      }
      config = tenantIngestConfig(deps.config, tenant, parseLduRegion);
    }

    const nowSeconds = now();
    const issues: EventIssue[] = [];
    const warnings: EventIssue[] = [];
    const entries: QueueEntry[] = [];
    const accepted: IngestReport["accepted"] = [];
    // Only what destinationFor and prepareEvent read: a copy of the whole config per request cost more than
    // parsing a one-event body.
    const defaults: DestinationDefaults = {
      pixelCode: config.pixelCode,
      offlineEventSetId: config.offlineEventSetId,
      crmEventSetId: config.crmEventSetId,
      testEventCode: envelope.testEventCode ?? config.testEventCode,
    };
    const foreign: EventIssue[] = [];
    let consentDenied = 0;
    const withoutDestination = new Set<number>();
    // One options object per request, not a copy of the config per event (a 1,000-event request made 1,000).
    const options: PrepareOptions = {
      nowSeconds,
      defaultPhoneCountry: config.defaultPhoneCountry,
      maxEventAgeDays: config.maxEventAgeDays,
      offlineMaxEventAgeDays: config.offlineMaxEventAgeDays,
      crmMaxEventAgeDays: config.crmMaxEventAgeDays,
      allowCustomEvents: config.allowCustomEvents,
      lduRegions: config.lduRegions,
      batch: envelope.target,
    };
    for (let index = 0; index < envelope.events.length; index++) {
      const input = envelope.events[index];
      // Let go of the posted event once it is read: the parsed request would otherwise stay live, and be copied by
      // every garbage collection, until the last of its events is prepared. prepareEvent keeps nothing of it but
      // strings it copies into its own objects.
      envelope.events[index] = undefined;
      const prepared = prepareEvent(input, index, options);
      if (!prepared.ok) {
        for (const issue of prepared.issues) issues.push(issue);
        continue;
      }
      for (const warning of prepared.warnings) warnings.push(warning);
      if (prepared.dropped) {
        consentDenied++;
        continue;
      }
      const destination = destinationFor(prepared.target, defaults);
      if (!destination.ok) {
        withoutDestination.add(index);
        issues.push({ index, path: destination.path, message: destination.message });
        continue;
      }
      if (tenant) {
        // Isolation: a tenant's key sends only to the tenant's own pixels and event sets.
        if (!ownsDestination(tenant, destination.value)) {
          foreign.push({
            index,
            path: destination.value.source === "web" ? "pixel_code" : "event_source_id",
            message: `${destinationLabel(destination.value)} is not one of this tenant's destinations (rule: a tenant's key sends only to its own pixels and event sets)`,
          });
          continue;
        }
        destination.value.tenant = tenant.name;
      }
      entries.push(queueEntry(prepared.event, destination.value));
      accepted.push({ destination: destination.value, event: prepared.event });
    }
    if (foreign.length > 0 && issues.length === 0) {
      refuse(report, "tenant_destination", new Set(foreign.map((issue) => issue.index)).size);
      return reply(
        report,
        403,
        {
          error: `${foreign.length} of ${envelope.events.length} events go to a destination of another tenant; nothing was accepted`,
          rule: "tenant_destination",
          issues: foreign,
        },
        { forbidden: foreign.length, events: envelope.events.length },
      );
    }
    // With invalid events too, the other tenant's destinations are listed among the problems of a 400.
    issues.push(...foreign);
    if (issues.length > 0) {
      const invalid = new Set(issues.map((issue) => issue.index)).size;
      // One reason per refused event, from its first problem; never a field's name (metric dimensions are billed).
      for (const index of new Set(issues.map((issue) => issue.index)))
        refuse(
          report,
          withoutDestination.has(index)
            ? "no_pixel"
            : foreign.some((issue) => issue.index === index)
              ? "tenant_destination"
              : refusalReason(issues.find((issue) => issue.index === index)!),
        );
      return reply(
        report,
        400,
        { error: `${invalid} of ${envelope.events.length} events are invalid; nothing was accepted. Fix them and post again.`, issues },
        { rejected: invalid, events: envelope.events.length },
      );
    }

    const oversized = entries.findIndex(exceedsQueueEntryLimit);
    if (oversized >= 0) {
      refuse(report, "event_too_large");
      return reply(report, 413, {
        error: `event ${oversized} is larger than a queue message may be (${MAX_QUEUE_ENTRY_BYTES} bytes): send fewer contents`,
      });
    }
    // Counted apart from invalid events: the caller did right, and no event of the shopper reaches TikTok.
    if (consentDenied > 0) refuse(report, "consent_denied", consentDenied);
    const dropped = consentDenied > 0 ? { dropped: { consent_denied: consentDenied } } : {};
    const eventIds = entries.map((entry) => entry.id);
    const { failedIds } = entries.length > 0 ? await deps.queue.send(entries, { deadline: request.deadline }) : { failedIds: [] };
    if (failedIds.length > 0) {
      const failed = new Set(failedIds);
      deps.log.error("queue refused events", { failed: failedIds.length, events: entries.length });
      report.accepted = accepted.filter((item) => !failed.has(item.event.event_id));
      refuse(report, "queue_unavailable", failed.size);
      return reply(
        report,
        503,
        {
          error:
            "some events could not be queued; post the not_enqueued ones again (re-sending an event_id is safe: TikTok deduplicates it)",
          enqueued: eventIds.filter((id) => !failed.has(id)),
          not_enqueued: eventIds.filter((id) => failed.has(id)),
        },
        { accepted: entries.length - failed.size, failed: failed.size },
      );
    }
    report.accepted = accepted;
    return reply(
      report,
      202,
      { accepted: entries.length, event_ids: eventIds, ...dropped, warnings },
      { accepted: entries.length, ...dropped, warnings: warnings.length },
    );
  }
}

/**
 * V8 quotes a piece of the input in some JSON errors ('Unexpected token 'j', "john@exam"...'): that could be
 * an e-mail address, and error bodies must carry no identifier. Keep only where the problem is.
 */
function jsonErrorWithoutInput(error: SyntaxError): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position) return `error at position ${position}`;
  if (/end of JSON input/.test(error.message)) return "it ends too early";
  return "unexpected character";
}

/** Echoes an allowed browser origin (never `*`); server-to-server callers send no Origin and get nothing. */
/** What a request is answered and logged with; the report goes to observe(). */
function reply(report: IngestReport, statusCode: number, body: unknown, logFields?: Record<string, unknown>): Reply {
  return { statusCode, body, logFields, report };
}

function refuse(report: IngestReport, reason: IngestRefusalReason, count = 1): void {
  report.rejected[reason] = (report.rejected[reason] ?? 0) + count;
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

/** The request's one log line: its answer and counts, which key, and a short list of event ids. */
function logFields(request: HttpRequest, result: Reply): Record<string, unknown> {
  const ids = result.report.accepted.map((item) => item.event.event_id);
  return {
    status: result.statusCode,
    keyId: request.keyId,
    ...(request.tenant !== undefined ? { tenant: request.tenant } : {}),
    ...result.logFields,
    ...(ids.length > 0 && ids.length <= LOGGED_IDS ? { eventIds: ids } : {}),
  };
}

function corsHeaders(headers: Record<string, string>, allowed: readonly string[]): Record<string, string> {
  if (allowed.length === 0) return {};
  const origin = headers.origin;
  return origin && allowed.includes(origin) ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : {};
}

interface Reply {
  statusCode: number;
  body: unknown;
  logFields?: Record<string, unknown>;
  report: IngestReport;
}

type Envelope = { events: unknown[]; target?: Partial<EventTarget>; testEventCode?: string } | { status: number; error: string };

function readEnvelope(body: unknown): Envelope {
  if (Array.isArray(body)) return { status: 400, error: 'a bare array is not accepted: wrap the events as {"data": [...]}' };
  if (typeof body !== "object" || body === null) return { status: 400, error: 'expected one event object, or {"data": [events]}' };
  const record = body as Record<string, unknown>;
  if (!("data" in record)) return { events: [body] };
  const unknown = Object.keys(record).filter((key) => !ENVELOPE_KEYS.has(key));
  if (unknown.length > 0)
    return {
      status: 400,
      error: `unknown top-level field(s) ${unknown.join(", ")}: a batch has data, and optionally event_source, event_source_id, pixel_code and test_event_code`,
    };
  const { data, pixel_code: pixelCode, event_source: source, event_source_id: sourceId, test_event_code: testEventCode } = record;
  if (!Array.isArray(data) || data.length === 0) return { status: 400, error: "data must be a non-empty array of events" };
  if (data.length > LIMITS.eventsPerRequest) {
    return { status: 413, error: `${data.length} events in one request; the limit is ${LIMITS.eventsPerRequest}: split the batch` };
  }
  if (pixelCode !== undefined && (typeof pixelCode !== "string" || !PIXEL_CODE.test(pixelCode))) {
    return { status: 400, error: "pixel_code must be a TikTok pixel code (10 to 32 letters and digits)" };
  }
  if (testEventCode !== undefined && (typeof testEventCode !== "string" || testEventCode.length === 0 || testEventCode.length > 64)) {
    return { status: 400, error: "test_event_code must be a string of 1 to 64 characters (from TikTok Events Manager → Test events)" };
  }
  const target = readBatchTarget({ event_source: source, event_source_id: sourceId, pixel_code: pixelCode });
  if (!target.ok) return { status: 400, error: `${target.path}: ${target.message}` };
  return { events: data, target: target.value, testEventCode: testEventCode as string | undefined };
}
