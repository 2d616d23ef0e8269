import { readFileSync } from "node:fs";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseRedriveArgs } from "../../cli/args";
import { runRedrive } from "../../cli/commands";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { signBody } from "../../lambdas/woocommerce/signature";
import { type LocalLedger, startLocalLedger } from "../../local/dynamo-server";
import type { LocalPipeline } from "../../local/pipeline";
import { sqsClientFor } from "../../local/sqs-server";
import { type FakeTikTok, ok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { depth, takeAll, waitFor } from "../support/queues";

// "Counted exactly once", black-box through `npm start`'s pipeline (embedded SQS and DynamoDB-protocol
// servers, real HTTP in and out) against a fake TikTok that counts what it accepted. TikTok's own 48-hour
// deduplication is not modelled: every accepted event counts, as it would after 48 hours.

const PIXEL = "C4PIXEL0000000000001";
const SECRET = "exactly-once-secret";
let tiktok: FakeTikTok;
let pipeline: LocalPipeline | undefined;

beforeAll(async () => {
  tiktok = await startFakeTikTok();
});
afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
  tiktok.reset();
});
afterAll(async () => {
  for (const client of clients.values()) client.destroy();
  await tiktok.close();
});

const start = async (env: Record<string, string> = {}) => {
  pipeline = await startTestPipeline(tiktok, { WOOCOMMERCE_WEBHOOK_SECRET: SECRET, SENDER_BATCHING_WINDOW_MS: "200", ...env });
  return pipeline;
};
const post = (relay: LocalPipeline, body: unknown) =>
  fetch(relay.eventsUrl, { method: "POST", headers: { Authorization: "Bearer k" }, body: JSON.stringify(body) });
const purchase = (id: string, extra: Record<string, unknown> = {}) => ({
  event: "Purchase",
  event_id: id,
  event_time: Math.floor(Date.now() / 1000) - 60,
  user: { email: `${id}@example.com` },
  properties: { currency: "USD", value: 10 },
  ...extra,
});
const clients = new Map<string, ReturnType<typeof sqsClientFor>>();
const sqs = (relay: LocalPipeline) => {
  if (!clients.has(relay.sqsEndpoint)) clients.set(relay.sqsEndpoint, sqsClientFor(relay.sqsEndpoint));
  return clients.get(relay.sqsEndpoint)!;
};
const times = (id: string) => tiktok.deliveredIds().filter((delivered) => delivered === id).length;
const settle = async (relay: LocalPipeline) => {
  await waitFor(async () => (await depth(sqs(relay), relay.eventsQueueUrl)) === 0, 60_000, "an empty events queue");
};

describe("a WooCommerce order paid, then completed days later", () => {
  it("reaches TikTok as one purchase; the later delivery answers that the order was already sent", async () => {
    const relay = await start();
    const order = JSON.parse(readFileSync(new URL("../fixtures/woocommerce/order-guest-processing.json", import.meta.url), "utf8"));
    const paid = new Date(Date.now() - 3.5 * 86_400_000).toISOString().slice(0, 19);
    const deliver = async (status: string) => {
      const body = JSON.stringify({ ...order, status, date_paid_gmt: paid, date_created_gmt: paid });
      const response = await fetch(relay.woocommerceUrl, {
        method: "POST",
        headers: { "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": signBody(body, SECRET) },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await deliver("processing")).toMatchObject({ status: 200, body: { accepted: 1 } });
    await waitFor(() => tiktok.deliveredIds().length === 1, 20_000, "the purchase at TikTok");

    // The shop ships it and marks it completed: WooCommerce sends the same order again.
    const later = await deliver("completed");
    expect(later.status).toBe(200);
    expect(later.body.skipped).toMatch(new RegExp(`^order ${order.number} was already sent to TikTok on \\d{4}-\\d{2}-\\d{2}T`));
    await settle(relay);
    expect(times(`wc_order_${order.id}`)).toBe(1);
  });
});

describe("POST /events again with a delivered event_id", () => {
  it("is accepted (202) and not sent to TikTok again", async () => {
    const relay = await start();
    expect((await post(relay, purchase("order-901"))).status).toBe(202);
    await waitFor(() => times("order-901") === 1, 20_000, "the first delivery");
    expect((await post(relay, purchase("order-901"))).status).toBe(202);
    await settle(relay);
    expect(times("order-901")).toBe(1);
    expect((await relay.stats()).events.already_delivered).toBe(1);
  });
});

describe("a redrive of an event that had been delivered", () => {
  it("puts it back on the queue, and it is not sent again", async () => {
    const relay = await start();
    expect((await post(relay, purchase("order-902"))).status).toBe(202);
    await waitFor(() => times("order-902") === 1, 20_000, "the first delivery");
    await settle(relay);
    // A copy of the message in the DLQ, as SQS's at-least-once delivery can leave one behind.
    const body = JSON.stringify({ destination: { source: "web", id: PIXEL }, event: { ...purchase("order-902"), user: {} } });
    await sqs(relay).send(new SendMessageCommand({ QueueUrl: relay.deadLetterQueueUrl, MessageBody: body }));
    const exit = await runRedrive(parseRedriveArgs(["--dlq", relay.deadLetterQueueUrl]), { sqs: sqs(relay), print: () => {}, pollMs: 100 });
    expect(exit).toBe(0);
    await waitFor(async () => (await relay.stats()).events.already_delivered >= 1, 20_000, "the redriven copy skipped");
    await settle(relay);
    expect(times("order-902")).toBe(1);
    expect(await depth(sqs(relay), relay.deadLetterQueueUrl)).toBe(0);
  });
});

describe("TikTok's partial success (20001)", () => {
  it.each([
    ["naming the refused events", true],
    ["naming nothing", false],
  ])("%s: exactly the refused events reach the DLQ with 20001, every other is delivered", async (_name, named) => {
    const refused = new Set(["p-3", "p-11", "p-17"]);
    // What TikTok took in its partial answers (the fake counts only code 0 answers as deliveries).
    const takenInPartials: string[] = [];
    tiktok.respond = (request) => {
      const ids = request.body.data.map((event) => event.event_id);
      if (!ids.some((id) => refused.has(id))) return ok();
      const failed = ids.flatMap((id, index) => (refused.has(id) ? [{ index, message: `row ${index}: not accepted` }] : []));
      if (named) takenInPartials.push(...ids.filter((id) => !refused.has(id)));
      return {
        status: 200,
        body: { code: 20001, message: "Partial OK", request_id: "r", ...(named ? { data: { failed_events: failed } } : {}) },
      };
    };
    const relay = await start();
    const ids = Array.from({ length: 20 }, (_, i) => `p-${i}`);
    expect((await post(relay, { data: ids.map((id) => purchase(id)) })).status).toBe(202);
    await waitFor(async () => (await depth(sqs(relay), relay.deadLetterQueueUrl)) === 3, 20_000, "3 events in the DLQ");
    await settle(relay);
    const taken = [...tiktok.deliveredIds(), ...takenInPartials];
    expect(new Set(taken)).toEqual(new Set(ids.filter((id) => !refused.has(id))));
    // Named: one request, nothing sent twice. Unnamed: isolation re-sends parts, each event accepted once.
    expect(taken).toHaveLength(17);
    const dead = (await takeAll(sqs(relay), relay.deadLetterQueueUrl)).map((m) => readDeadLetter(m.MessageAttributes));
    expect(dead.map((d) => [d.eventId, d.reason]).sort()).toEqual([...refused].sort().map((id) => [id, "20001"]));
    // Named: the refused events were not sent on their own again, nor anything else twice.
    if (named)
      expect(tiktok.requests.flatMap((request) => request.body.data.map((event) => event.event_id)).sort()).toEqual([...ids].sort());
  });
});

describe("a batch of 1,000 with 50 bad rows, TikTok answering in 0.3 s", () => {
  it("finishes within the sender's budget: 950 delivered once, 50 in the DLQ with 40002, none as unknown or timeout", async () => {
    const bad = new Set(Array.from({ length: 50 }, (_, i) => `b-${(i * 997) % 1000}`));
    // TikTok refuses a request holding any bad row, without saying which: the sender has to find them.
    tiktok.respond = (request) => ({
      delayMs: 300,
      ...(request.body.data.some((event) => bad.has(event.event_id))
        ? { status: 200, body: { code: 40002, message: "Invalid parameters" } }
        : ok()),
    });
    const relay = await start({ SENDER_BATCHING_WINDOW_MS: "2000", SENDER_TIMEOUT_SECONDS: "60", SENDER_MAX_CONCURRENCY: "1" });
    const ids = Array.from({ length: 1000 }, (_, i) => `b-${i}`);
    expect((await post(relay, { data: ids.map((id) => purchase(id, { user: {} })) })).status).toBe(202);
    await waitFor(async () => (await depth(sqs(relay), relay.deadLetterQueueUrl)) === 50, 120_000, "50 events in the DLQ");
    await settle(relay);
    const delivered = tiktok.deliveredIds();
    expect(delivered).toHaveLength(950);
    expect(new Set(delivered)).toEqual(new Set(ids.filter((id) => !bad.has(id))));
    const dead = (await takeAll(sqs(relay), relay.deadLetterQueueUrl)).map((m) => readDeadLetter(m.MessageAttributes));
    expect(new Set(dead.map((d) => d.reason))).toEqual(new Set(["40002"]));
    expect(new Set(dead.map((d) => d.eventId))).toEqual(bad);
  });
});

describe("the delivery ledger unavailable", () => {
  let ledger: LocalLedger | undefined;
  afterEach(async () => {
    await ledger?.close().catch(() => {});
  });

  it("events are still delivered (TikTok's 48 h dedup applies), counted as ledger errors; nothing is lost", async () => {
    ledger = await startLocalLedger({ port: 0 });
    const relay = await start({ DYNAMODB_ENDPOINT: ledger.endpoint });
    expect((await post(relay, purchase("order-903"))).status).toBe(202);
    await waitFor(() => times("order-903") === 1, 20_000, "a delivery with the ledger up");
    await ledger.close();
    expect((await post(relay, { data: [purchase("order-904"), purchase("order-905")] })).status).toBe(202);
    await waitFor(() => times("order-904") === 1 && times("order-905") === 1, 30_000, "deliveries with the ledger down");
    await settle(relay);
    const stats = await relay.stats();
    expect(stats.events.ledger_errors).toBeGreaterThanOrEqual(2);
    expect(await depth(sqs(relay), relay.deadLetterQueueUrl)).toBe(0);
  });
});
