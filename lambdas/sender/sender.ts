import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { SenderMetric } from "../contract";
import { DIMENSIONS } from "../contract";
import { deadLetterAttributes } from "../core/dead-letter";
import { parseQueuedEvent, type QueuedEvent } from "../core/queued-event";
import type { Counter } from "../core/reports";
import type { DeadLetterMessage, SenderQueue } from "../core/sender-queue";
import { type DeliveryDeps, deliverMessages, type Verdict } from "./deliver";

// SQS batch → TikTok → per message: acknowledged (delivered, or moved to the DLQ with its reason), or failed
// with a growing delay so SQS offers it again later. A message is only acknowledged once it is delivered
// or safely in the DLQ: nothing accepted is ever dropped.

export interface SenderDeps extends DeliveryDeps {
  queue: SenderQueue;
  /** The queue's redrive maxReceiveCount: on the last receive, a failure goes to the DLQ with its reason. */
  maxReceiveCount: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  count?: Counter;
  /** Told which events TikTok took in this invocation: match quality in AWS, counted once per delivered event. */
  observeDelivered?: (delivered: QueuedEvent[]) => void;
}

export type { Counter, SenderMetric };

/** Exponential backoff by receive count, capped: an outage does not burn all receives in a minute. */
export function retryDelaySeconds(receiveCount: number, baseSeconds: number, maxSeconds: number): number {
  return Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, receiveCount - 1));
}

export function createSenderHandler(deps: SenderDeps) {
  const count: Counter = deps.count ?? (() => {});

  return async (event: SQSEvent, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<SQSBatchResponse> => {
    // Each body is read once: for delivery, the tenant's counts, match quality and the DLQ's attributes.
    const parsed = new Map(event.Records.map((record) => [record.messageId, parseQueuedEvent(record.body)]));
    const verdicts = await deliverMessages(
      event.Records.map((record) => ({ id: record.messageId, queued: parsed.get(record.messageId), attempts: receives(record) })),
      deps,
      // Lambda stops the invocation at its timeout: the sender stops sending before that (lambdas/sender/deliver.ts).
      context?.getRemainingTimeInMillis ? { remainingMs: () => context.getRemainingTimeInMillis() } : undefined,
    );
    const failedAt = new Date((deps.nowSeconds?.() ?? Date.now() / 1000) * 1000).toISOString();
    const toDeadLetter: DeadLetterMessage[] = [];
    const toDelay: { receiptHandle: string; seconds: number }[] = [];
    const notDone = new Set<string>();
    const tally = new Map<string, number>();
    // Per tenant: what was delivered, retried and dead-lettered, so an alarm can say which shop is failing.
    const byTenant = new Map<string, number>();
    let tenant: string | undefined;
    const add = (key: string) => {
      tally.set(key, (tally.get(key) ?? 0) + 1);
      if (tenant !== undefined) {
        const metric = `${tenant}|${tenantMetric(key)}`;
        byTenant.set(metric, (byTenant.get(metric) ?? 0) + 1);
      }
    };

    const delivered: QueuedEvent[] = [];
    for (const record of event.Records) {
      const verdict: Verdict = verdicts.get(record.messageId) ?? { kind: "retry", reason: "unknown", detail: "no verdict" };
      const queued = parsed.get(record.messageId);
      tenant = queued?.destination.tenant;
      if (verdict.kind === "delivered") {
        add("delivered");
        if (queued) delivered.push(queued);
        continue;
      }
      if (verdict.kind === "already_delivered") {
        add("already_delivered");
        continue;
      }
      const attempts = receives(record);
      if (verdict.kind === "dead_letter" || attempts >= deps.maxReceiveCount) {
        toDeadLetter.push(deadLetterMessage(record, verdict, attempts, failedAt, tenant));
        add(verdict.kind === "dead_letter" ? `dead_letter:${verdict.reason}` : `exhausted:${verdict.reason}`);
      } else {
        notDone.add(record.messageId);
        toDelay.push({
          receiptHandle: record.receiptHandle,
          seconds: retryDelaySeconds(attempts, deps.retryBaseSeconds, deps.retryMaxSeconds),
        });
        add(`retry:${verdict.reason}`);
      }
    }

    // A message whose move to the DLQ failed stays in the queue: it will be tried again.
    const unmoved = new Set(await deps.queue.deadLetter(toDeadLetter));
    for (const message of toDeadLetter) if (unmoved.has(message.id)) notDone.add(message.id);
    await deps.queue.delay(toDelay);
    report(tally, count);
    if (delivered.length > 0) deps.observeDelivered?.(delivered);
    for (const [key, value] of byTenant) {
      const [name, metric] = key.split("|") as [string, SenderMetric];
      count(metric, value, { name: DIMENSIONS.tenant, value: name });
    }
    if (unmoved.size > 0) deps.log.error("could not move messages to the DLQ; they stay queued", { count: unmoved.size });

    // What is not done comes back after its delay. A batch where nothing was delivered is a normal outcome
    // during a TikTok outage, not a crash: it is reported, never thrown.
    return {
      batchItemFailures: event.Records.filter((record) => notDone.has(record.messageId)).map((record) => ({
        itemIdentifier: record.messageId,
      })),
    };
  };
}

const receives = (record: SQSRecord) => Number(record.attributes.ApproximateReceiveCount) || 1;

function deadLetterMessage(
  record: SQSRecord,
  verdict: Exclude<Verdict, { kind: "delivered" | "already_delivered" }>,
  attempts: number,
  failedAt: string,
  tenant: string | undefined,
): DeadLetterMessage {
  const event = eventOf(record.body);
  return {
    id: record.messageId,
    body: record.body,
    attributes: deadLetterAttributes({
      reason: verdict.reason,
      detail: verdict.detail,
      failedAt,
      eventName: event?.event,
      eventId: event?.event_id,
      attempts,
      tenant,
    }),
  };
}

/** The metric a verdict counts in, per tenant. */
function tenantMetric(key: string): SenderMetric {
  const outcome = key.split(":")[0];
  if (outcome === "delivered") return "EventsDelivered";
  if (outcome === "already_delivered") return "EventsAlreadyDelivered";
  if (outcome === "retry") return "EventsRetried";
  return "EventsDeadLettered";
}

function eventOf(body: string): { event?: string; event_id?: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { event?: { event?: unknown; event_id?: unknown } };
    const event = parsed.event;
    return {
      event: typeof event?.event === "string" ? event.event : undefined,
      event_id: typeof event?.event_id === "string" ? event.event_id : undefined,
    };
  } catch {
    return undefined;
  }
}

function report(tally: Map<string, number>, count: Counter): void {
  // Each metric is also counted without its extra dimension: a CloudWatch alarm reads one dimension set
  // and cannot add up every Code or Reason, so the totals are published as they are.
  const totals = new Map<SenderMetric, number>();
  const total = (metric: SenderMetric, value: number) => totals.set(metric, (totals.get(metric) ?? 0) + value);
  for (const [key, value] of tally) {
    const [outcome, reason = ""] = key.split(":") as [string, string?];
    if (outcome === "delivered") total("EventsDelivered", value);
    else if (outcome === "already_delivered") total("EventsAlreadyDelivered", value);
    else if (outcome === "retry") {
      total("EventsRetried", value);
      count("EventsRetried", value, { name: "Reason", value: reason });
    } else {
      total("EventsDeadLettered", value);
      count("EventsDeadLettered", value, { name: "Reason", value: reason });
      if (reason === "too_old") total("EventsTooOld", value);
      else if (/^\d+$/.test(reason) && outcome === "dead_letter") {
        total("EventsRejected", value);
        count("EventsRejected", value, { name: "Code", value: reason });
      }
    }
  }
  // Once per metric and invocation, however many codes or reasons added up to it.
  for (const [metric, value] of totals) count(metric, value);
}
