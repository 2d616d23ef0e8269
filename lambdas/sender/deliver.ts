import type { Log } from "../core/log";
import type { QueuedEvent } from "../core/schema";
import { buildRequests, MAX_EVENTS_PER_REQUEST } from "../core/tiktok-request";
import { classifyReply, type ResponseClass, type TikTokReply } from "../core/tiktok-response";
import type { TikTokTransport } from "../core/tiktok-transport";

// Sends a batch of queued events to TikTok in as few requests as the API allows and says, per message,
// whether it was delivered. Every message not proven delivered is reported as failed, so SQS keeps it.

export interface TokenSource {
  get(): Promise<string>;
  /** Reads the token again, past any cache: called once after TikTok says the token is bad. */
  refresh(): Promise<string>;
}

export interface DeliveryDeps {
  transport: TikTokTransport;
  token: TokenSource;
  log: Log;
  maxEventsPerRequest?: number;
}

export interface QueueMessage {
  id: string;
  body: string;
}

export type Outcome = { delivered: true } | { delivered: false; reason: string; class?: ResponseClass };

export async function deliverMessages(messages: QueueMessage[], deps: DeliveryDeps): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const items: { key: string; queued: QueuedEvent }[] = [];
  for (const message of messages) {
    const queued = parseQueued(message.body);
    if (queued) items.push({ key: message.id, queued });
    else outcomes.set(message.id, { delivered: false, reason: "malformed queue message (not a relay event)" });
  }

  let token: string | undefined;
  let tokenRefreshed = false;
  let stopReason: string | undefined;
  for (const request of buildRequests(items, deps.maxEventsPerRequest ?? MAX_EVENTS_PER_REQUEST)) {
    const fail = (reason: string, cls?: ResponseClass) =>
      request.keys.forEach((key) => outcomes.set(key, { delivered: false, reason, class: cls }));
    if (stopReason) {
      fail(stopReason);
      continue;
    }
    let reply: TikTokReply;
    let cls: ResponseClass;
    try {
      token ??= await deps.token.get();
      reply = await deps.transport.send(request.body, token);
      cls = classifyReply(reply);
      if (cls === "token" && !tokenRefreshed) {
        // A rotated secret is the usual cause: re-read it once, past the cache, and try again.
        tokenRefreshed = true;
        token = await deps.token.refresh();
        reply = await deps.transport.send(request.body, token);
        cls = classifyReply(reply);
      }
    } catch (error) {
      stopReason = `access token unavailable: ${error instanceof Error ? error.message : String(error)}`;
      deps.log.error("cannot read the TikTok access token", { reason: stopReason });
      fail(stopReason);
      continue;
    }
    const summary = {
      pixel: request.body.event_source_id,
      events: request.keys.length,
      httpStatus: reply.httpStatus,
      code: reply.code,
      tiktokRequestId: reply.requestId,
      outcome: cls,
    };
    if (cls === "delivered") {
      request.keys.forEach((key) => outcomes.set(key, { delivered: true }));
      if (reply.code !== 0) deps.log.warn("TikTok accepted the request partially", { ...summary, message: reply.message });
      else deps.log.info("delivered", summary);
      continue;
    }
    const reason = `TikTok ${reply.code ?? `HTTP ${reply.httpStatus}`}: ${reply.message}`;
    deps.log.warn("not delivered", { ...summary, message: reply.message });
    fail(reason, cls);
    // A token or permission error will fail every request of this invocation the same way:
    // stop instead of hammering TikTok with it.
    if (cls === "token" || cls === "permission") stopReason = reason;
  }
  return outcomes;
}

function parseQueued(body: string): QueuedEvent | undefined {
  try {
    const value = JSON.parse(body) as Partial<QueuedEvent>;
    if (typeof value.pixel_code === "string" && typeof value.event?.event === "string") return value as QueuedEvent;
  } catch {
    // falls through: reported as malformed
  }
  return undefined;
}
