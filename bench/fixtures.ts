import type { APIGatewayProxyEvent, SQSEvent } from "aws-lambda";
import { restHandler } from "../lambdas/aws/api-gateway";
import { readIngestConfig } from "../lambdas/core/config";
import type { QueueEntry } from "../lambdas/core/event-queue";
import { silentLog } from "../lambdas/core/log";
import type { SenderQueue } from "../lambdas/core/sender-queue";
import type { TikTokTransport } from "../lambdas/core/tiktok-transport";
import { createIngestHandler } from "../lambdas/ingest/ingest";
import type { SenderDeps } from "../lambdas/sender/sender";
import { toRecord } from "../local/event-source";
import { proxyEvent } from "../local/http-api";

// Events shaped like a shop's purchases: every identifier a checkout has (so the handler does all three
// hashes and the phone parsing), two line items, a page. Small made-up events would flatter the relay.

export const PIXEL = "C4BENCHPIXEL0000001";
export const API_KEY = "bench-key";

const USER_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

export function purchaseEvent(id: string, i: number, nowSeconds = Math.floor(Date.now() / 1000)) {
  const cents = 1999 + (i % 50) * 100;
  return {
    event: "Purchase",
    event_id: id,
    event_time: nowSeconds - 60,
    user: {
      email: ` Buyer.${i}@Example.com `,
      phone: `+1 (650) 555-${String(1000 + (i % 9000)).padStart(4, "0")}`,
      external_id: `customer-${100_000 + i}`,
      ip: `203.0.113.${(i % 250) + 1}`,
      user_agent: USER_AGENT,
    },
    page: { url: "https://shop.example/checkout/order-received/", referrer: "https://shop.example/checkout/" },
    properties: {
      currency: "USD",
      value: (cents + 2500) / 100,
      content_type: "product",
      order_id: `order-${i}`,
      contents: [
        { content_id: `SKU-${i % 300}`, content_name: "Ceramic mug", content_category: "Kitchen", price: cents / 100, quantity: 1 },
        { content_id: 501, content_name: "Gift wrap", price: 25, quantity: 1 },
      ],
    },
  };
}

/** A request body of `count` events: one bare event when count is 1, else {"data": [...]}. */
export function requestBody(count: number, prefix: string, offset = 0): string {
  const events = Array.from({ length: count }, (_, i) => purchaseEvent(`${prefix}-${offset + i}`, offset + i));
  return JSON.stringify(count === 1 ? events[0] : { data: events });
}

/** POST /events as API Gateway's REST proxy integration hands it to the ingest function (JSON: not base64). */
export function ingestRequest(body: string): APIGatewayProxyEvent {
  return proxyEvent("POST", "/events", { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" }, body, false);
}

/** The queue messages the ingest handler makes of `count` purchases: what the sender really receives. */
export async function queuedEntries(count: number, prefix: string): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = [];
  const ingest = restHandler(
    createIngestHandler({
      config: readIngestConfig({ TIKTOK_PIXEL_CODE: PIXEL }),
      queue: {
        send: async (batch) => {
          entries.push(...batch);
          return { failedIds: [] };
        },
      },
      log: silentLog,
    }),
  );
  for (let offset = 0; offset < count; offset += 1000) {
    const response = await ingest(ingestRequest(requestBody(Math.min(1000, count - offset), prefix, offset)));
    if (response.statusCode !== 202) throw new Error(`the bench's events were refused: ${response.body}`);
  }
  return entries;
}

/** The queued events as the SQS event a sender invocation receives (first delivery of each). */
export function sqsEventOf(entries: QueueEntry[]): SQSEvent {
  return {
    Records: entries.map((entry, i) =>
      toRecord(
        {
          MessageId: `message-${i}`,
          ReceiptHandle: `receipt-${i}`,
          Body: entry.body,
          Attributes: { ApproximateReceiveCount: "1" },
          MessageAttributes: { event_name: { DataType: "String", StringValue: entry.eventName } },
        },
        "arn:aws:sqs:us-east-1:123456789012:tiktok-relay-events",
      ),
    ),
  };
}

/**
 * The sender's dependencies for the bench: deliveries only, against a fake TikTok, so nothing goes to the DLQ or
 * is delayed and the queue side is a no-op.
 */
export function benchSenderDeps(transport: TikTokTransport): SenderDeps {
  const queue: SenderQueue = { deadLetter: async () => [], delay: async () => {} };
  return {
    transport,
    token: { get: async () => "bench-token", refresh: async () => "bench-token" },
    log: silentLog,
    queue,
    maxEventAgeDays: 7,
    maxReceiveCount: 10,
    retryBaseSeconds: 30,
    retryMaxSeconds: 900,
  };
}
