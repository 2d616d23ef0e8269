import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { sendInBatches } from "../../lambdas/aws/sqs-batches";
import { sqsSenderQueue } from "../../lambdas/aws/sqs-sender-queue";
import type { LedgerGuard } from "../../lambdas/core/ledger-guard";
import { silentLog } from "../../lambdas/core/log";
import type { TikTokEvent } from "../../lambdas/core/schema";
import { httpTransport } from "../../lambdas/core/tiktok-transport";
import type { TokenSource } from "../../lambdas/sender/deliver";
import { type Counter, createSenderHandler, type SenderDeps } from "../../lambdas/sender/sender";
import { toRecord } from "../../local/event-source";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { type FakeTikTok, startFakeTikTok } from "./fake-tiktok";
import { takeAll } from "./queues";

// The sender as the Lambda runs it, against the embedded SQS server and a fake TikTok: messages are really
// queued and received (real receipt handles and receive counts), so DLQ moves and retry delays are real.

export const PIXEL = "C4PIXEL0000000000001";
export const NOW = 1_767_225_600;

/**
 * A queue message body in the earlier format ({pixel_code, test_event_code, event}), which the DLQ may hold
 * for 14 days: the sender must keep reading it (lambdas/core/queued-event.ts). Today's format is tested in
 * test/core/queued-event.test.ts and end to end.
 */
export interface QueuedEvent {
  pixel_code: string;
  test_event_code?: string;
  event: TikTokEvent;
}

export const queuedEvent = (id: string, pixel = PIXEL, extra: Partial<QueuedEvent["event"]> = {}): QueuedEvent => ({
  pixel_code: pixel,
  event: { event: "AddToCart", event_time: NOW - 60, event_id: id, ...extra },
});

export interface HarnessOptions {
  tokens?: string[];
  /** The token source itself (e.g. per tenant); else `tokens`, re-read in turn. */
  token?: TokenSource;
  timeoutMs?: number;
  maxReceiveCount?: number;
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  count?: Counter;
  /** Where TikTok requests go (default: the fake TikTok). */
  apiUrl?: string;
  /** Where dead letters go (default: the local DLQ). */
  deadLetterQueueUrl?: string;
  /** The delivery ledger (default: none, as before the ledger existed). */
  ledger?: LedgerGuard;
  maxRequests?: number;
  parallelRequests?: number;
  /** What the budget reserves for one request (default: the transport's timeout). */
  requestTimeoutMs?: number;
}

/** A fake TikTok and an embedded SQS server for one test file, reset before each test. */
export function useSenderFixture() {
  const fixture = {} as { tiktok: FakeTikTok; queues: LocalQueues };
  beforeAll(async () => {
    fixture.tiktok = await startFakeTikTok();
    fixture.queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  });
  afterAll(async () => {
    await fixture.tiktok.close();
    await fixture.queues.close();
  });
  beforeEach(async () => {
    fixture.tiktok.reset();
    await takeAll(fixture.queues.client, fixture.queues.eventsQueueUrl);
    await takeAll(fixture.queues.client, fixture.queues.deadLetterQueueUrl);
  });
  return fixture;
}

export function senderFor(queues: LocalQueues, tiktok: FakeTikTok, options: HarnessOptions = {}) {
  const tokens = [...(options.tokens ?? ["token-1"])];
  let reads = 0;
  const deps: SenderDeps = {
    transport: httpTransport(options.apiUrl ?? tiktok.url, options.timeoutMs ?? 2000),
    token: options.token ?? {
      get: async () => tokens[Math.min(reads, tokens.length - 1)]!,
      refresh: async () => tokens[Math.min(++reads, tokens.length - 1)]!,
    },
    log: silentLog,
    queue: sqsSenderQueue(queues.client, queues.eventsQueueUrl, options.deadLetterQueueUrl ?? queues.deadLetterQueueUrl, silentLog),
    maxEventAgeDays: 7,
    maxReceiveCount: options.maxReceiveCount ?? 5,
    retryBaseSeconds: options.retryBaseSeconds ?? 30,
    retryMaxSeconds: options.retryMaxSeconds ?? 900,
    nowSeconds: () => NOW,
    count: options.count,
    ledger: options.ledger,
    maxRequests: options.maxRequests,
    parallelRequests: options.parallelRequests,
    requestTimeoutMs: options.requestTimeoutMs ?? options.timeoutMs ?? 2000,
  };
  const send = createSenderHandler(deps);
  // Like the event source mapping: delete what the handler did not report as failed.
  const handler = async (event: SQSEvent, context?: { getRemainingTimeInMillis(): number }) => {
    const response = await send(event, context);
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const done = event.Records.filter((record) => !failed.has(record.messageId));
    for (let start = 0; start < done.length; start += 10) {
      await queues.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues.eventsQueueUrl,
          Entries: done.slice(start, start + 10).map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    return response;
  };
  return Object.assign(handler, { refreshes: () => reads });
}

/** Queues the bodies on the events queue and receives them back as the event Lambda would get. */
export async function receiveBatch(queues: LocalQueues, bodies: (QueuedEvent | string)[]): Promise<SQSEvent> {
  const failed = await sendInBatches(
    queues.client,
    queues.eventsQueueUrl,
    bodies.map((body, i) => ({ id: String(i), body: typeof body === "string" ? body : JSON.stringify(body), attributes: {} })),
  );
  if (failed.length > 0) throw new Error(`could not queue ${failed.length} test messages`);
  const event = await receiveAll(queues, bodies.length);
  // Record i is body i, whatever order SQS returned them in.
  const texts = bodies.map((body) => (typeof body === "string" ? body : JSON.stringify(body)));
  const order = new Map(event.Records.map((record) => [record, texts.indexOf(record.body)]));
  return { Records: event.Records.sort((a, b) => order.get(a)! - order.get(b)!) };
}

/** Receives `expected` messages currently visible on the events queue (a redelivery, for instance). */
export async function receiveAll(queues: LocalQueues, expected: number): Promise<SQSEvent> {
  const records: SQSEvent["Records"] = [];
  const deadline = Date.now() + 5000;
  while (records.length < expected) {
    const { Messages = [] } = await queues.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.eventsQueueUrl,
        MaxNumberOfMessages: 10,
        // local-aws-sqs holds a long poll open until it has 10 messages: poll without waiting instead.
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
        MessageSystemAttributeNames: ["All"],
        // local-aws-sqs reads only the older name of this parameter; real SQS accepts both.
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0 && Date.now() > deadline) throw new Error(`only ${records.length} of ${expected} messages could be received`);
    records.push(...Messages.map((message) => toRecord(message, queues.eventsQueueArn)));
  }
  return { Records: records };
}

export const failures = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);
