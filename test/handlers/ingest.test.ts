import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { restHandler } from "../../lambdas/aws/api-gateway";
import { sqsEventQueue } from "../../lambdas/aws/sqs-event-queue";
import { readIngestConfig } from "../../lambdas/core/config";
import type { EventQueue } from "../../lambdas/core/event-queue";
import { silentLog } from "../../lambdas/core/log";
import { createIngestHandler } from "../../lambdas/ingest/ingest";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { apiEvent } from "../support/api-event";
import { depth, takeAll } from "../support/queues";

// The ingest handler against the real SQS protocol (embedded server): what a caller gets back, and
// what is (or is not) left in the queue.

const NOW = 1_767_225_600;
const PIXEL = "C4PIXEL0000000000001";
const auth = { Authorization: "Bearer key-one" };
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

let queues: LocalQueues;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(() => queues.close());
beforeEach(async () => {
  await takeAll(queues.client, queues.eventsQueueUrl);
});

function handler(options: { queue?: EventQueue; env?: Record<string, string> } = {}) {
  return restHandler(
    createIngestHandler({
      config: readIngestConfig({ TIKTOK_PIXEL_CODE: PIXEL, ...options.env }),
      queue: options.queue ?? sqsEventQueue(queues.client, queues.eventsQueueUrl),
      log: silentLog,
      now: () => NOW,
    }),
  );
}

const purchase = (id: string) => ({
  event: "Purchase",
  event_id: id,
  event_time: NOW - 60,
  user: { email: " Shopper@Example.com ", phone: "+1 (650) 555-1234", ip: "203.0.113.9" },
  properties: { currency: "usd", value: 10, contents: [{ content_id: 7, quantity: 1, price: 10 }] },
});

const queuedMessages = async () => {
  const messages = await takeAll(queues.client, queues.eventsQueueUrl);
  expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(0);
  return messages;
};

describe("ingest handler: accepted events", () => {
  it("answers 202 with the id and leaves one hashed message in the queue", async () => {
    const response = await handler()(apiEvent(purchase("order-1"), auth));
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ "Content-Type": "application/json" });
    expect(JSON.parse(response.body)).toEqual({ accepted: 1, event_ids: ["order-1"], warnings: [] });

    const messages = await queuedMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.MessageAttributes?.event_name?.StringValue).toBe("Purchase");
    expect(JSON.parse(messages[0]!.Body!)).toEqual({
      destination: { source: "web", id: PIXEL },
      event: {
        event: "Purchase",
        event_time: NOW - 60,
        event_id: "order-1",
        user: {
          email: sha256("shopper@example.com"),
          phone: sha256("+16505551234"),
          ip: "203.0.113.9",
        },
        properties: { currency: "USD", value: 10, contents: [{ content_id: "7", quantity: 1, price: 10 }], content_type: "product" },
      },
    });
    expect(messages[0]!.Body).not.toMatch(/shopper|555/i);
  });

  it("accepts a batch as {data: [...]}: one message per event, ids in order", async () => {
    const data = Array.from({ length: 25 }, (_, i) => purchase(`order-${i}`));
    const response = await handler()(apiEvent({ data }, auth));
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body);
    expect(body.accepted).toBe(25);
    expect(body.event_ids).toEqual(data.map((event) => event.event_id));
    const queuedIds = (await queuedMessages()).map((message) => JSON.parse(message.Body!).event.event_id);
    expect(queuedIds.sort()).toEqual(data.map((event) => event.event_id).sort());
  });

  it("takes a batch's pixel_code and test_event_code, and an event's own pixel_code over both", async () => {
    const own = { ...purchase("own"), pixel_code: "OTHERPIXEL0001" };
    const response = await handler()(
      apiEvent({ pixel_code: "BATCHPIXEL0001", test_event_code: "TEST123", data: [purchase("batch"), own] }, auth),
    );
    expect(response.statusCode).toBe(202);
    const byId = Object.fromEntries((await queuedMessages()).map((m) => JSON.parse(m.Body!)).map((q) => [q.event.event_id, q]));
    expect(byId.batch).toMatchObject({ destination: { source: "web", id: "BATCHPIXEL0001", test_event_code: "TEST123" } });
    expect(byId.own).toMatchObject({ destination: { source: "web", id: "OTHERPIXEL0001", test_event_code: "TEST123" } });
    expect(byId.own.event).not.toHaveProperty("pixel_code");
  });

  it("returns warnings (dropped phone, derived event_id) without refusing the event", async () => {
    const { event_id: _, ...withoutId } = purchase("x");
    const response = await handler()(apiEvent({ ...withoutId, user: { phone: "12345" } }, auth));
    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body);
    expect(body.event_ids[0]).toMatch(/^auto_[0-9a-f]{32}$/);
    expect(body.warnings.map((w: { path: string }) => w.path).sort()).toEqual(["event_id", "user", "user.phone"]);
    expect(body.warnings.find((w: { path: string }) => w.path === "user").message).toBe(
      "Purchase without email, phone or ttclid will rarely match: send the shopper's e-mail and phone, and the ttclid captured at landing",
    );
    const queued = JSON.parse((await queuedMessages())[0]!.Body!);
    expect(queued.event).not.toHaveProperty("user");
  });

  it("echoes an allowed browser origin (CORS), and no other", async () => {
    const allowed = await handler({ env: { CORS_ALLOW_ORIGINS: "https://shop.example, https://www.shop.example" } })(
      apiEvent(purchase("cors"), { ...auth, Origin: "https://www.shop.example" }),
    );
    expect(allowed.headers).toMatchObject({ "Access-Control-Allow-Origin": "https://www.shop.example", Vary: "Origin" });
    const other = await handler({ env: { CORS_ALLOW_ORIGINS: "https://shop.example" } })(
      apiEvent(purchase("cors2"), { ...auth, Origin: "https://evil.example" }),
    );
    expect(other.headers).not.toHaveProperty("Access-Control-Allow-Origin");
  });
});

describe("ingest handler: refused requests enqueue nothing", () => {
  it("400 names every invalid event and field; valid events in the same batch are not enqueued", async () => {
    const data = [
      purchase("good"),
      { ...purchase("bad-name"), event: "IntiateCheckout" },
      { ...purchase("bad-value"), properties: { value: 5 } },
    ];
    const response = await handler()(apiEvent({ data }, auth));
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body);
    expect(body.error).toContain("2 of 3 events are invalid");
    expect(body.issues).toEqual([
      { index: 1, path: "event", message: expect.stringContaining('did you mean "InitiateCheckout"') },
      { index: 2, path: "properties.currency", message: expect.stringContaining("required when value is set") },
    ]);
    expect(await queuedMessages()).toHaveLength(0);
  });

  it.each([
    ["not JSON", "{not json", "not valid JSON"],
    ["a bare array", "[]", 'wrap the events as {"data": [...]}'],
    ["a string", '"hello"', "expected one event object"],
    ["an empty data array", '{"data": []}', "non-empty array"],
    ["an unknown envelope field", '{"data": [{"event": "Lead"}], "pixel": "x"}', "unknown top-level field(s) pixel"],
  ])("400 for %s", async (_case, body, message) => {
    const response = await handler()(apiEvent(body, auth));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toContain(message);
    expect(await queuedMessages()).toHaveLength(0);
  });

  it("400 for a body that is not UTF-8", async () => {
    const event = apiEvent("", auth);
    event.body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString("base64");
    event.isBase64Encoded = true;
    const response = await handler()(event);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toContain("not UTF-8");
  });

  it("413 for 1,001 events, naming the limit", async () => {
    const data = Array.from({ length: 1001 }, (_, i) => purchase(`e${i}`));
    const response = await handler()(apiEvent({ data }, auth));
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body).error).toContain("the limit is 1000");
    expect(await queuedMessages()).toHaveLength(0);
  });

  it("413 for a body over MAX_BODY_BYTES", async () => {
    const response = await handler({ env: { MAX_BODY_BYTES: "2048" } })(
      apiEvent({ data: Array.from({ length: 20 }, (_, i) => purchase(`e${i}`)) }, auth),
    );
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body).error).toMatch(/the limit is 2048/);
  });

  it("503 naming enqueued and not enqueued ids when the queue refuses some events", async () => {
    const real = sqsEventQueue(queues.client, queues.eventsQueueUrl);
    const refusing: EventQueue = {
      async send(entries) {
        const refused = entries.filter((entry) => entry.id === "b");
        await real.send(entries.filter((entry) => entry.id !== "b"));
        return { failedIds: refused.map((entry) => entry.id) };
      },
    };
    const response = await handler({ queue: refusing })(apiEvent({ data: [purchase("a"), purchase("b"), purchase("c")] }, auth));
    expect(response.statusCode).toBe(503);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ enqueued: ["a", "c"], not_enqueued: ["b"] });
    expect(body.error).toContain("safe");
  });
});

describe("ingest handler: GET /health (the HTTP API routes it here)", () => {
  it('answers {"ok": true} and queues nothing', async () => {
    const refusing: EventQueue = {
      send: async () => {
        throw new Error("GET /health must not queue anything");
      },
    };
    const event = { ...apiEvent(""), httpMethod: "GET", path: "/health" };
    const response = await handler({ queue: refusing })(event);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true });
  });
});
