import { deliveryKey } from "../core/delivery-key";
import { type Destination, destinationLabel } from "../core/destination";
import { type EventAgeLimits, maxEventAgeDaysFor } from "../core/event-age";
import { isoTime } from "../core/event-time";
import type { LedgerGuard } from "../core/ledger-guard";
import type { Log } from "../core/log";
import type { QueuedEvent } from "../core/queued-event";
import { badRowHint, namedFailures } from "../core/refused-rows";
import type { TikTokEvent } from "../core/schema";
import { buildRequestBody, buildRequests, MAX_EVENTS_PER_REQUEST } from "../core/tiktok-request";
import { classifyReply, type ResponseClass, replyReason, type TikTokReply } from "../core/tiktok-response";
import type { TikTokTransport } from "../core/tiktok-transport";

// Decides, for every message of a batch, what became of it at TikTok. Sending is as batched as the API
// allows; when TikTok refuses a whole request because of some bad rows (40002) or accepts only part of it
// (20001), the refused events are isolated — by what TikTok's answer names, else by splitting the request —
// so one malformed event never holds back a thousand good ones. What the delivery ledger already holds is
// not sent again; what TikTok accepts is recorded there. All of it within the invocation's time budget:
// what is not sent in time is left for a later receive.

export interface TokenSource {
  /** The token of a tenant's events, or of the single-shop relay's (tenant undefined). */
  get(tenant?: string): Promise<string>;
  /** Reads the token again, past any cache: called once after TikTok says the token is bad. */
  refresh(tenant?: string): Promise<string>;
}

export interface DeliveryDeps extends EventAgeLimits {
  transport: TikTokTransport;
  token: TokenSource;
  log: Log;
  /** Web events older than this are not sent (TikTok would not attribute them); offline and CRM have their own limits. */
  maxEventAgeDays: number;
  maxEventsPerRequest?: number;
  nowSeconds?: () => number;
  /** What TikTok already accepted (lambdas/core/ledger.ts); without one, only TikTok's 48 h dedup applies. */
  ledger?: LedgerGuard;
  /** How long one TikTok request may take: no request starts unless it can finish within the budget. */
  requestTimeoutMs?: number;
  /** Most TikTok requests in one invocation. */
  maxRequests?: number;
  /** TikTok requests in flight at once while refused events are isolated. */
  parallelRequests?: number;
}

export interface QueueMessage {
  id: string;
  /** The message's event and destination, read once by the caller; undefined when it is not a relay event message. */
  queued: QueuedEvent | undefined;
  /** Receives of the message so far, this one included (SQS's ApproximateReceiveCount). */
  attempts?: number;
}

export type Verdict =
  | { kind: "delivered" }
  /** The ledger says TikTok accepted this event before: acknowledged, never sent again. */
  | { kind: "already_delivered"; deliveredAt: number }
  /** Worth trying again later as it is: throttling, TikTok server errors, timeouts, time budget spent. */
  | { kind: "retry"; reason: string; detail: string }
  /** Never worth retrying unchanged: bad rows, too old, not a relay message. */
  | { kind: "dead_letter"; reason: string; detail: string }
  /** The relay's own configuration (token, pixel permission) is at fault: retry after a fix. */
  | { kind: "halt"; reason: string; detail: string };

/** The invocation's time, as Lambda's context tells it; unbounded when nobody set a deadline. */
export interface Budget {
  /** Milliseconds left before the invocation is stopped. */
  remainingMs(): number;
}

/** Time kept back after the last request: DLQ moves, retry delays and ledger writes must still fit. */
export const SAFETY_MARGIN_MS = 3000;
export const DEFAULT_MAX_REQUESTS = 1000;
export const DEFAULT_PARALLEL_REQUESTS = 8;

type Item = { key: string; event: TikTokEvent };

export async function deliverMessages(messages: QueueMessage[], deps: DeliveryDeps, budget?: Budget): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  const now = deps.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
  const maxAgeDays = (queued: QueuedEvent) => maxEventAgeDaysFor(queued.destination.source, deps);
  const sendable: { key: string; queued: QueuedEvent; attempts: number }[] = [];
  for (const message of messages) {
    const queued = message.queued;
    if (!queued) {
      verdicts.set(message.id, { kind: "dead_letter", reason: "malformed", detail: "not a relay event message" });
    } else if (queued.event.event_time < now - maxAgeDays(queued) * 86_400) {
      verdicts.set(message.id, {
        kind: "dead_letter",
        reason: "too_old",
        detail: `event_time ${isoTime(queued.event.event_time)} is older than ${maxAgeDays(queued)} days`,
      });
    } else {
      sendable.push({ key: message.id, queued, attempts: message.attempts ?? 1 });
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

  // What TikTok accepted before (a redelivery, a redrive, the same order paid and then completed) is done.
  const held = deps.ledger ? await deps.ledger.held(unique.map(({ key, queued }) => ({ key, queued }))) : new Map<string, number>();
  for (const [key, deliveredAt] of held) verdicts.set(key, { kind: "already_delivered", deliveredAt });
  const toSend = unique.filter(({ key }) => !held.has(key));

  const session = new Session(deps, budget, now, new Map(toSend.map(({ key, queued, attempts }) => [key, { queued, attempts }])));
  // Whole requests go one after another: once TikTok throttles or refuses the token, the rest waits.
  for (const request of firstRequests(toSend, deps.maxEventsPerRequest ?? MAX_EVENTS_PER_REQUEST)) {
    const items = request.keys.map((key, i) => ({ key, event: request.body.data[i]! }));
    await session.deliver(request.destination, items, verdicts);
  }
  await session.finish();
  for (const [copy, original] of copies) verdicts.set(copy, verdicts.get(original)!);
  return verdicts;
}

/**
 * The first requests for what is to be sent. A message that comes back (its receive count grows) goes out in
 * smaller requests each time: halved per receive. So isolating refused events always progresses, even when
 * each invocation can only make a few requests before its time runs out, and nothing needs remembering
 * between invocations: what was delivered is acknowledged (and in the ledger), only the rest comes back.
 */
function firstRequests(items: { key: string; queued: QueuedEvent; attempts: number }[], maxPerRequest: number) {
  const byAttempts = new Map<number, typeof items>();
  for (const item of items) byAttempts.set(item.attempts, [...(byAttempts.get(item.attempts) ?? []), item]);
  return [...byAttempts.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([attempts, group]) => {
      const size = Math.max(1, Math.min(maxPerRequest, Math.ceil(group.length / 2 ** Math.min(attempts - 1, 30))));
      return buildRequests(group, size);
    });
}

type Stop = Exclude<Verdict, { kind: "delivered" | "already_delivered" | "dead_letter" }>;

/**
 * One invocation's conversation with TikTok: the tokens, the budget, and whether to go on sending. Each
 * tenant has its own token and its own stop: one tenant's revoked token (or a 40001, or throttling of its
 * token) halts only that tenant's events; the single-shop relay is the tenant "" here.
 */
class Session {
  private readonly tokens = new Map<string, { token?: Promise<string>; refreshed?: Promise<string> }>();
  /** Once TikTok throttles, fails or refuses a tenant's credentials, the rest of its events waits for a later try. */
  private readonly stops = new Map<string, Stop>();
  private requests = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly recording: Promise<void>[] = [];

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly budget: Budget | undefined,
    private readonly now: number,
    private readonly sent: Map<string, { queued: QueuedEvent; attempts: number }>,
  ) {}

  async deliver(destination: Destination, items: Item[], verdicts: Map<string, Verdict>): Promise<void> {
    const settle = (verdict: Verdict, which: Item[] = items) => {
      for (const item of which) verdicts.set(item.key, verdict);
    };
    const tenant = destination.tenant ?? "";
    const stop = (verdict: Stop) => {
      this.stops.set(tenant, verdict);
      settle(verdict);
    };
    await this.slot();
    let reply: TikTokReply;
    let cls: ResponseClass;
    try {
      const unsent = this.stops.get(tenant) ?? this.outOfBudget();
      if (unsent) return settle(unsent);
      this.requests++;
      ({ reply, cls } = await this.post(
        destination.tenant,
        buildRequestBody(
          destination,
          items.map((item) => item.event),
        ),
      ));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.deps.log.error("cannot read the TikTok access token", { detail, ...(destination.tenant ? { tenant: destination.tenant } : {}) });
      return stop({ kind: "halt", reason: "token_unavailable", detail });
    } finally {
      this.release();
    }
    this.deps.log[cls === "delivered" ? "info" : "warn"]("tiktok request", {
      ...(destination.tenant ? { tenant: destination.tenant } : {}),
      destination: destinationLabel(destination),
      events: items.length,
      httpStatus: reply.httpStatus,
      code: reply.code,
      tiktokRequestId: reply.requestId,
      outcome: cls,
      ...(cls === "delivered" ? {} : { message: reply.message }),
      // Which events TikTok took in this request: the record of a delivery to search by event_id (the ingest
      // function logs no line for a request that went through as sent). Ids only, never an identifier.
      ...(cls === "delivered" ? { eventIds: items.map((item) => item.event.event_id) } : {}),
      // What a partial answer said, as it was (event ids and TikTok's messages, never an identifier): its shape
      // is not documented anywhere, so the raw data is the evidence to improve namedFailures with.
      ...(cls === "partial" ? { partialData: JSON.stringify(reply.data ?? null).slice(0, 2000) } : {}),
    });
    const reason = replyReason(reply);
    switch (cls) {
      case "delivered":
        settle({ kind: "delivered" });
        return this.record(items, reply.requestId);
      case "partial": {
        const named = namedFailures(
          reply.data,
          items.map((item) => item.event.event_id),
        );
        if (named) {
          const accepted = items.filter((_, i) => !named.has(i));
          settle({ kind: "delivered" }, accepted);
          for (const [i, detail] of named) settle({ kind: "dead_letter", reason, detail }, [items[i]!]);
          return this.record(accepted, reply.requestId);
        }
        return this.isolate(destination, items, verdicts, reason, reply.message);
      }
      case "invalid":
        return this.isolate(destination, items, verdicts, reason, reply.message);
      case "token":
      case "permission":
        return stop({ kind: "halt", reason, detail: reply.message });
      case "throttled":
      case "server":
        return stop({ kind: "retry", reason, detail: reply.message });
    }
  }

  /** Waits for the ledger writes of this invocation. */
  async finish(): Promise<void> {
    await Promise.all(this.recording);
  }

  /**
   * Some events of the request were refused and TikTok did not say which: send the parts separately (in
   * parallel) until each refused event stands alone. A part answered 0 is delivered; an event refused on its
   * own goes to the DLQ with TikTok's code. A 40002 that names a row is split around that row first.
   */
  private async isolate(
    destination: Destination,
    items: Item[],
    verdicts: Map<string, Verdict>,
    reason: string,
    detail: string,
  ): Promise<void> {
    if (items.length === 1) {
      verdicts.set(items[0]!.key, { kind: "dead_letter", reason, detail });
      return;
    }
    const hint = badRowHint(detail, items.length);
    const parts =
      hint === undefined
        ? [items.slice(0, Math.ceil(items.length / 2)), items.slice(Math.ceil(items.length / 2))]
        : [items.slice(0, hint), [items[hint]!], items.slice(hint + 1)];
    await Promise.all(parts.filter((part) => part.length > 0).map((part) => this.deliver(destination, part, verdicts)));
  }

  /** Why no further request may start now, if none may: the request cap, or too little time left. */
  private outOfBudget(): Exclude<Verdict, { kind: "delivered" | "already_delivered" | "dead_letter" }> | undefined {
    const maxRequests = this.deps.maxRequests ?? DEFAULT_MAX_REQUESTS;
    if (this.requests >= maxRequests) {
      return {
        kind: "retry",
        reason: "budget",
        detail: `this invocation made its ${maxRequests} TikTok requests; the rest is sent on a later receive`,
      };
    }
    const needed = (this.deps.requestTimeoutMs ?? 0) + SAFETY_MARGIN_MS;
    if (this.budget && this.budget.remainingMs() < needed) {
      return {
        kind: "retry",
        reason: "budget",
        detail: "the invocation's time ran out before this event could be sent; it is sent on a later receive",
      };
    }
    return undefined;
  }

  private async slot(): Promise<void> {
    const parallel = this.deps.parallelRequests ?? DEFAULT_PARALLEL_REQUESTS;
    if (this.inFlight < parallel) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    // Last in, first out: the deepest part of an isolation goes first, so the first good parts are delivered
    // (and acknowledged) after a few requests, not after every level of the split was tried.
    const next = this.waiting.pop();
    if (next) next();
    else this.inFlight--;
  }

  private record(items: Item[], requestId: string | undefined): void {
    if (!this.deps.ledger || items.length === 0) return;
    const delivered = items.map((item) => ({ ...this.sent.get(item.key)!, requestId }));
    this.recording.push(this.deps.ledger.record(delivered, this.now));
  }

  private async post(
    tenant: string | undefined,
    body: ReturnType<typeof buildRequestBody>,
  ): Promise<{ reply: TikTokReply; cls: ResponseClass }> {
    // A tenant's token is only ever read for, and sent with, that tenant's events.
    const own = this.tokens.get(tenant ?? "") ?? {};
    this.tokens.set(tenant ?? "", own);
    own.token ??= this.deps.token.get(tenant);
    const token = await own.token;
    let reply = await this.deps.transport.send(body, token);
    let cls = classifyReply(reply);
    if (cls === "token") {
      // A rotated secret is the usual cause: re-read it once per invocation, past the cache, and try again.
      const used = own.refreshed;
      own.refreshed ??= this.deps.token.refresh(tenant);
      if (used === undefined || (await used) !== token) {
        own.token = own.refreshed;
        reply = await this.deps.transport.send(body, await own.refreshed);
        cls = classifyReply(reply);
      }
    }
    return { reply, cls };
  }
}
