import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { restHandler } from "../../lambdas/aws/api-gateway";
import { sqsEventQueue } from "../../lambdas/aws/sqs-event-queue";
import { readIngestConfig } from "../../lambdas/core/config";
import type { EventQueue } from "../../lambdas/core/event-queue";
import { silentLog } from "../../lambdas/core/log";
import type { WebhookOutcome } from "../../lambdas/core/reports";
import { readWooCommerceConfig } from "../../lambdas/woocommerce/config";
import { signBody } from "../../lambdas/woocommerce/signature";
import { createWooCommerceHandler } from "../../lambdas/woocommerce/webhook";
import { proxyEvent } from "../../local/http-api";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { takeAll } from "../support/queues";

// POST /woocommerce against the real SQS protocol: what WooCommerce gets back (it never retries and disables a
// webhook after 5 failures) and what is, or is not, queued.

const SECRET = "wc-secret-1";
const PIXEL = "C4PIXEL0000000000001";
const fixture = (name: string) => readFileSync(new URL(`../fixtures/woocommerce/${name}`, import.meta.url));
const guestOrder = fixture("order-guest-processing.json");
const order = JSON.parse(guestOrder.toString("utf8"));
const paidAt = Math.floor(Date.parse(`${order.date_paid_gmt}Z`) / 1000);
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

let queues: LocalQueues;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(() => queues.close());
beforeEach(() => takeAll(queues.client, queues.eventsQueueUrl));

function webhook(
  options: {
    secrets?: string[];
    queue?: EventQueue;
    now?: number;
    env?: Record<string, string>;
    record?: (outcome: WebhookOutcome) => void;
    secretReads?: { count: number };
  } = {},
) {
  return restHandler(
    createWooCommerceHandler({
      ingest: readIngestConfig({ TIKTOK_PIXEL_CODE: PIXEL, ...options.env }),
      woocommerce: readWooCommerceConfig(options.env ?? {}),
      secrets: async () => {
        if (options.secretReads) options.secretReads.count++;
        return options.secrets ?? [SECRET];
      },
      queue: options.queue ?? sqsEventQueue(queues.client, queues.eventsQueueUrl),
      log: silentLog,
      now: () => options.now ?? paidAt + 600,
      record: options.record,
    }),
  );
}

function delivery(body: Buffer | string, headers: Record<string, string> = {}, secret: string | null = SECRET) {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return proxyEvent(
    "POST",
    "/woocommerce",
    {
      "Content-Type": "application/json",
      "User-Agent": "WooCommerce/9.8.0 Hookshot (WordPress/6.8)",
      "X-WC-Webhook-Source": "https://shop.example/",
      "X-WC-Webhook-Topic": "order.updated",
      "X-WC-Webhook-Resource": "order",
      "X-WC-Webhook-Event": "updated",
      "X-WC-Webhook-ID": "7",
      "X-WC-Webhook-Delivery-ID": "2f1c",
      ...(secret ? { "X-WC-Webhook-Signature": signBody(raw, secret) } : {}),
      ...headers,
    },
    raw.toString("base64"),
    true,
  );
}

const answer = (result: { statusCode: number; body: string }) => ({ status: result.statusCode, body: JSON.parse(result.body) });
const queued = async () => (await takeAll(queues.client, queues.eventsQueueUrl)).map((message) => JSON.parse(message.Body!));

describe("WooCommerce webhook", () => {
  it("answers the creation ping with 200 and queues nothing", async () => {
    const ping = proxyEvent(
      "POST",
      "/woocommerce",
      { "Content-Type": "application/x-www-form-urlencoded" },
      Buffer.from("webhook_id=7").toString("base64"),
      true,
    );
    expect(answer(await webhook()(ping))).toEqual({ status: 200, body: { ok: true, ping: true } });
    expect(await queued()).toEqual([]);
  });

  it("queues a paid order as one hashed Purchase with event_id wc_order_<id>", async () => {
    expect(answer(await webhook()(delivery(guestOrder)))).toMatchObject({
      status: 200,
      body: { accepted: 1, event_id: `wc_order_${order.id}` },
    });
    const [message, ...rest] = await queued();
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      destination: { source: "web", id: PIXEL },
      event: {
        event: "Purchase",
        event_id: `wc_order_${order.id}`,
        event_time: paidAt,
        user: {
          email: sha256(order.billing.email.trim().toLowerCase()),
          // a national number, read in the billing country
          phone: sha256("+16505550142"),
          ip: order.customer_ip_address,
        },
        properties: { currency: order.currency, value: Number(order.total), order_id: String(order.number), content_type: "product" },
      },
    });
    expect(JSON.stringify(message)).not.toContain(order.billing.email);
    expect(JSON.stringify(message)).not.toContain(order.billing.last_name);
  });

  it("gives the same order the same event_id however often it arrives (created, updated, completed)", async () => {
    const handler = webhook();
    const completed = Buffer.from(JSON.stringify({ ...order, status: "completed" }));
    for (const [topic, body] of [
      ["order.created", guestOrder],
      ["order.updated", guestOrder],
      ["order.updated", completed],
    ] as const) {
      expect(answer(await handler(delivery(body, { "X-WC-Webhook-Topic": topic }))).status).toBe(200);
    }
    expect((await queued()).map((message) => message.event.event_id)).toEqual([
      `wc_order_${order.id}`,
      `wc_order_${order.id}`,
      `wc_order_${order.id}`,
    ]);
  });

  it("checks the signature on the raw bytes as sent (whitespace and escapes included)", async () => {
    const raw = Buffer.from(JSON.stringify(order, null, 4).replace('"status"', '"st\\u0061tus"'));
    expect(answer(await webhook()(delivery(raw))).body).toMatchObject({ accepted: 1 });
  });

  it.each([
    ["a wrong signature", delivery(guestOrder, {}, "not-the-secret")],
    ["no signature", delivery(guestOrder, {}, null)],
    ["a signature over other bytes", delivery(guestOrder, { "X-WC-Webhook-Signature": signBody("{}", SECRET) })],
  ])("answers 401 for %s and queues nothing", async (_case, request) => {
    const result = answer(await webhook()(request));
    expect(result.status).toBe(401);
    expect(result.body.error).toContain("X-WC-Webhook-Signature");
    expect(await queued()).toEqual([]);
  });

  it("accepts any of several secrets (rotation)", async () => {
    expect(answer(await webhook({ secrets: ["new-secret", SECRET] })(delivery(guestOrder))).status).toBe(200);
  });

  it("answers 401 with the fix when the relay has no secret configured", async () => {
    const result = answer(await webhook({ secrets: [] })(delivery(guestOrder)));
    expect(result).toMatchObject({ status: 401, body: { error: expect.stringContaining("WOOCOMMERCE_WEBHOOK_SECRET") } });
  });

  it.each([
    ["a pending order", fixture("order-pending.json"), {}, /status pending is not a paid status/],
    ["a topic that is not an order", guestOrder, { "X-WC-Webhook-Topic": "product.updated" }, /topic "product.updated" is not handled/],
    ["a body that is not JSON", Buffer.from("<html>"), {}, /not JSON/],
  ])("answers 200 and skips %s, queueing nothing", async (_case, body, headers, reason) => {
    const result = answer(await webhook()(delivery(body, headers)));
    expect(result.status).toBe(200);
    expect(result.body.skipped).toMatch(reason);
    expect(await queued()).toEqual([]);
  });

  it("keeps the purchase when a shopper-controlled field is too long, dropping only that field", async () => {
    const long = Buffer.from(JSON.stringify({ ...order, customer_user_agent: "Mozilla/5.0 ".repeat(200) }));
    const result = answer(await webhook()(delivery(long)));
    expect(result).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(result.body.warnings).toEqual([
      expect.objectContaining({ path: "user.user_agent", message: expect.stringContaining("dropped") }),
    ]);
    const [message] = await queued();
    expect(message.event.user).not.toHaveProperty("user_agent");
    expect(message.event.user.email).toBe(sha256(order.billing.email.trim().toLowerCase()));
  });

  it("skips an order paid longer ago than MAX_EVENT_AGE_DAYS (an update of an old order), with 200", async () => {
    const result = answer(await webhook({ now: paidAt + 8 * 86_400 })(delivery(guestOrder)));
    expect(result).toMatchObject({ status: 200, body: { skipped: expect.stringContaining("older than 7 days") } });
    expect(await queued()).toEqual([]);
  });

  it("follows the event name and event_id template settings", async () => {
    const env = { WOOCOMMERCE_EVENT_NAME: "CompletePayment", WOOCOMMERCE_EVENT_ID_TEMPLATE: "order-{number}" };
    const result = answer(await webhook({ env })(delivery(guestOrder)));
    expect(result.body).toMatchObject({ event_id: `order-${order.number}` });
    // A shop whose pixel still sends the legacy name keeps it, and is told about the rename.
    expect(result.body.warnings).toEqual([{ index: 0, path: "event", message: expect.stringContaining('use "Purchase" instead') }]);
    expect((await queued())[0].event).toMatchObject({ event: "CompletePayment", event_id: `order-${order.number}` });
  });

  it("sends WOOCOMMERCE_TEST_EVENT_CODE with orders, over the relay's TIKTOK_TEST_EVENT_CODE", async () => {
    await webhook({ env: { TIKTOK_TEST_EVENT_CODE: "RELAY1" } })(delivery(guestOrder));
    expect((await queued())[0].destination).toEqual({ source: "web", id: PIXEL, test_event_code: "RELAY1" });
    await webhook({ env: { TIKTOK_TEST_EVENT_CODE: "RELAY1", WOOCOMMERCE_TEST_EVENT_CODE: "WOO42" } })(delivery(guestOrder));
    expect((await queued())[0].destination).toEqual({ source: "web", id: PIXEL, test_event_code: "WOO42" });
  });

  it("drops the shop's own address as the customer's IP, decodes HTML in names, and flags LDU regions", async () => {
    const proxied = {
      ...order,
      customer_ip_address: "127.0.0.1",
      billing: { ...order.billing, first_name: "Zo&euml;", last_name: "O&#039;Brien", state: "CA", country: "US" },
      line_items: [{ ...order.line_items[0], name: "Ship Your Idea &ndash; Color: Black" }],
    };
    const result = answer(await webhook({ env: { LDU_REGIONS: "US-CA" } })(delivery(Buffer.from(JSON.stringify(proxied)))));
    expect(result.body.warnings).toEqual([
      { index: 0, path: "user.ip", message: expect.stringContaining("a loopback address is never the shopper's") },
    ]);
    const [message] = await queued();
    expect(message.event.user).not.toHaveProperty("ip");
    expect(message.event.user.last_name).toBe(sha256("o'brien"));
    expect(message.event.user.first_name).toBe(sha256("zoë"));
    expect(message.event.properties.contents[0].content_name).toBe("Ship Your Idea – Color: Black");
    expect(message.event.limited_data_use).toBe(true);
  });

  it("answers 503 when the queue refuses the event (the relay's outage, not the shop's)", async () => {
    const refusing: EventQueue = { send: async (entries) => ({ failedIds: entries.map((entry) => entry.id) }) };
    expect(answer(await webhook({ queue: refusing })(delivery(guestOrder))).status).toBe(503);
  });
});

describe("WooCommerce webhook: what nobody is told otherwise (counted by reason, alarmed in AWS)", () => {
  const recorder = () => {
    const outcomes: WebhookOutcome[] = [];
    return { outcomes, record: (outcome: WebhookOutcome) => outcomes.push(outcome) };
  };

  it.each([
    ["an unsigned delivery", delivery(guestOrder, {}, null), 401, "unsigned"],
    ["a header that cannot be a signature", delivery(guestOrder, { "X-WC-Webhook-Signature": "not-a-signature" }), 401, "signature_wrong"],
    ["a signed body over MAX_BODY_BYTES", delivery(Buffer.alloc(20_000, 0x20), {}), 413, "too_large"],
  ] as const)("refuses %s before reading the secret or hashing the body", async (_case, event, status, reason) => {
    const { outcomes, record } = recorder();
    const secretReads = { count: 0 };
    const result = answer(await webhook({ record, secretReads, env: { MAX_BODY_BYTES: "16384" } })(event));
    expect(result.status).toBe(status);
    expect(secretReads.count).toBe(0);
    expect(outcomes).toEqual([{ kind: "refused", reason }]);
    expect(await queued()).toEqual([]);
  });

  it("counts a wrong signature and a missing secret, the failures WooCommerce disables a webhook for", async () => {
    const { outcomes, record } = recorder();
    expect(answer(await webhook({ record })(delivery(guestOrder, {}, "another-secret"))).status).toBe(401);
    expect(answer(await webhook({ record, secrets: [] })(delivery(guestOrder))).status).toBe(401);
    expect(outcomes).toEqual([
      { kind: "refused", reason: "signature_wrong" },
      { kind: "refused", reason: "no_secret" },
    ]);
  });

  it("counts each skipped delivery by a reason from a fixed list, never the order's text", async () => {
    const { outcomes, record } = recorder();
    await webhook({ record })(delivery(fixture("order-pending.json")));
    await webhook({ record })(delivery(guestOrder, { "X-WC-Webhook-Topic": "coupon.created" }));
    await webhook({ record })(delivery(Buffer.from("<html>")));
    await webhook({ record, env: { TIKTOK_PIXEL_CODE: "" } })(delivery(guestOrder));
    const unsendable = Buffer.from(JSON.stringify({ ...order, currency: "XYZ" }));
    expect(answer(await webhook({ record })(delivery(unsendable))).body.skipped).toMatch(/cannot be sent/);
    expect(outcomes.map((outcome) => outcome.reason)).toEqual(["not_a_purchase", "unhandled_topic", "not_json", "no_pixel", "cannot_send"]);
    expect(outcomes.every((outcome) => outcome.kind === "skipped")).toBe(true);
    expect(await queued()).toEqual([]);
  });

  it("records nothing for an accepted order or the creation ping", async () => {
    const { outcomes, record } = recorder();
    expect(answer(await webhook({ record })(delivery(guestOrder))).status).toBe(200);
    const ping = proxyEvent("POST", "/woocommerce", { "Content-Type": "application/x-www-form-urlencoded" }, "webhook_id=7", false);
    expect(answer(await webhook({ record })(ping)).body).toEqual({ ok: true, ping: true });
    expect(outcomes).toEqual([]);
    await queued();
  });
});
