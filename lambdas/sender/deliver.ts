import { deliveryKey } from "../core/delivery-key";
import { type Destination, destinationLabel } from "../core/destination";
import { type EventAgeLimits, maxEventAgeDaysFor } from "../core/event-age";
import { isoTime } from "../core/event-time";
import type { Log } from "../core/log";
import { parseQueuedEvent, type QueuedEvent } from "../core/queued-event";
import type { TikTokEvent } from "../core/schema";
import { buildRequestBody, buildRequests, MAX_EVENTS_PER_REQUEST } from "../core/tiktok-request";
import { classifyReply, type ResponseClass, replyReason, type TikTokReply } from "../core/tiktok-response";
import type { TikTokTransport } from "../core/tiktok-transport";

// Decides, for every message of a batch, what became of it at TikTok. Sending is as batched as the API
// allows; when TikTok refuses a whole request because of some bad rows, the request is bisected until the
// bad events are isolated, so one malformed event never holds back a thousand good ones.

export interface TokenSource {
  get(): Promise<string>;
  /** Reads the token again, past any cache: called once after TikTok says the token is bad. */
  refresh(): Promise<string>;
}

export interface DeliveryDeps extends EventAgeLimits {
  transport: TikTokTransport;
  token: TokenSource;
  log: Log;
  /** Web events older than this are not sent (TikTok would not attribute them); offline and CRM have their own limits. */
  maxEventAgeDays: number;
  maxEventsPerRequest?: number;
  nowSeconds?: () => number;
}

export interface QueueMessage {
  id: string;
  body: string;
}

export type Verdict =
  | { kind: "delivered" }
  /** Worth trying again later as it is: throttling, TikTok server errors, timeouts. */
  | { kind: "retry"; reason: string; detail: string }
  /** Never worth retrying unchanged: bad rows, too old, not a relay message. */
  | { kind: "dead_letter"; reason: string; detail: string }
  /** The relay's own configuration (token, pixel permission) is at fault: retry after a fix. */
  | { kind: "halt"; reason: string; detail: string };

type Item = { key: string; event: TikTokEvent };

export async function deliverMessages(messages: QueueMessage[], deps: DeliveryDeps): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  const now = deps.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
  const maxAgeDays = (queued: QueuedEvent) => maxEventAgeDaysFor(queued.destination.source, deps);
  const sendable: { key: string; queued: QueuedEvent }[] = [];
  for (const message of messages) {
    const queued = parseQueuedEvent(message.body);
    if (!queued) {
      verdicts.set(message.id, { kind: "dead_letter", reason: "malformed", detail: "not a relay event message" });
    } else if (queued.event.event_time < now - maxAgeDays(queued) * 86_400) {
      verdicts.set(message.id, {
        kind: "dead_letter",
        reason: "too_old",
        detail: `event_time ${isoTime(queued.event.event_time)} is older than ${maxAgeDays(queued)} days`,
      });
    } else {
      sendable.push({ key: message.id, queued });
    }
  }

  // The same event twice in one batch (a caller's retry, an order webhook delivered again) is sent once:
  // TikTok would drop the copy anyway. Every copy gets the verdict of the one sent.
  const firstOf = new Map<string, string>();
  const copies: [copy: string, original: string][] = [];
  const unique = sendable.filter(({ key, queued }) => {
    const identity = deliveryKey(queued.destination, queued.event);
    const original = firstOf.get(identity);
    if (original === undefined) firstOf.set(identity, key);
    else copies.push([key, original]);
    return original === undefined;
  });

  const session = new Session(deps);
  for (const request of buildRequests(unique, deps.maxEventsPerRequest ?? MAX_EVENTS_PER_REQUEST)) {
    const items = request.keys.map((key, i) => ({ key, event: request.body.data[i]! }));
    await session.deliver(request.destination, items, verdicts);
  }
  for (const [copy, original] of copies) verdicts.set(copy, verdicts.get(original)!);
  return verdicts;
}

/** One invocation's conversation with TikTok: the token, and whether to go on sending at all. */
class Session {
  private token?: string;
  private tokenRefreshed = false;
  /** Once TikTok throttles, fails or refuses our credentials, the rest of the batch waits for a later try. */
  private stopped?: Exclude<Verdict, { kind: "delivered" } | { kind: "dead_letter" }>;

  constructor(private readonly deps: DeliveryDeps) {}

  async deliver(destination: Destination, items: Item[], verdicts: Map<string, Verdict>): Promise<void> {
    const settle = (verdict: Verdict) => {
      for (const item of items) verdicts.set(item.key, verdict);
    };
    if (this.stopped) return settle(this.stopped);
    const body = buildRequestBody(
      destination,
      items.map((item) => item.event),
    );
    let reply: TikTokReply;
    let cls: ResponseClass;
    try {
      ({ reply, cls } = await this.post(body));
    } catch (error) {
      this.stopped = { kind: "halt", reason: "token_unavailable", detail: error instanceof Error ? error.message : String(error) };
      this.deps.log.error("cannot read the TikTok access token", { detail: this.stopped.detail });
      return settle(this.stopped);
    }
    this.deps.log[cls === "delivered" ? "info" : "warn"]("tiktok request", {
      destination: destinationLabel(destination),
      events: items.length,
      httpStatus: reply.httpStatus,
      code: reply.code,
      tiktokRequestId: reply.requestId,
      outcome: cls,
      ...(cls === "delivered" && reply.code === 0 ? {} : { message: reply.message }),
    });
    const reason = replyReason(reply);
    switch (cls) {
      case "delivered":
        return settle({ kind: "delivered" });
      case "invalid": {
        if (items.length === 1) return settle({ kind: "dead_letter", reason, detail: reply.message });
        const half = Math.ceil(items.length / 2);
        await this.deliver(destination, items.slice(0, half), verdicts);
        await this.deliver(destination, items.slice(half), verdicts);
        return;
      }
      case "token":
      case "permission":
        this.stopped = { kind: "halt", reason, detail: reply.message };
        return settle(this.stopped);
      case "throttled":
      case "server":
        this.stopped = { kind: "retry", reason, detail: reply.message };
        return settle(this.stopped);
    }
  }

  private async post(body: ReturnType<typeof buildRequestBody>): Promise<{ reply: TikTokReply; cls: ResponseClass }> {
    this.token ??= await this.deps.token.get();
    let reply = await this.deps.transport.send(body, this.token);
    let cls = classifyReply(reply);
    if (cls === "token" && !this.tokenRefreshed) {
      // A rotated secret is the usual cause: re-read it once, past the cache, and try again.
      this.tokenRefreshed = true;
      this.token = await this.deps.token.refresh();
      reply = await this.deps.transport.send(body, this.token);
      cls = classifyReply(reply);
    }
    return { reply, cls };
  }
}
