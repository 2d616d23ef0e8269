import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { signBody } from "../../lambdas/woocommerce/signature";
import { consoleLog } from "../../local/console-log";
import type { LocalPipeline } from "../../local/pipeline";
import { sqsClientFor } from "../../local/sqs-server";
import { type FakeTikTok, ok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { depth, takeAll, waitFor } from "../support/queues";

// Secrets and identifiers stay where they belong: an end-to-end run with accepted, refused, unauthorised and
// dead-lettered events, then a search of every log line, every response body and every DLQ attribute for the
// access token, the ingest key, the webhook secret and the raw e-mail, phone and IP that were posted.

const TOKEN = "tiktok-token-7f3a9c";
const KEY = "ingest-key-5be2d1";
const WEBHOOK_SECRET = "webhook-secret-91c0aa";
const EMAIL = "Hygiene.Shopper@Example.net";
const PHONE = "+1 (415) 555-0199";
const IP = "192.0.2.44";
const FORBIDDEN = [
  TOKEN,
  KEY,
  WEBHOOK_SECRET,
  EMAIL,
  EMAIL.toLowerCase(),
  "Hygiene",
  "hygiene",
  "Shopper",
  PHONE,
  "+14155550199",
  "4155550199",
  IP,
];

let tiktok: FakeTikTok;
let pipeline: LocalPipeline;
const logs: string[] = [];
const responses: string[] = [];

beforeAll(async () => {
  tiktok = await startFakeTikTok((request) =>
    request.body.data.some((event) => event.event_id === "refused")
      ? { status: 200, body: { code: 40002, message: "data.0.user.email: invalid value" } }
      : ok(),
  );
  pipeline = await startTestPipeline(
    tiktok,
    {
      INGEST_API_KEY: KEY,
      TIKTOK_ACCESS_TOKEN: TOKEN,
      WOOCOMMERCE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    consoleLog((line) => logs.push(line)),
  );
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

async function call(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { method: "POST", headers, body });
  responses.push(await response.text());
  return response.status;
}

describe("secrets hygiene", () => {
  it("keeps the token, keys and raw identifiers out of logs, error responses and DLQ attributes", async () => {
    const now = Math.floor(Date.now() / 1000);
    const user = { email: EMAIL, phone: PHONE, ip: IP, first_name: "Hygiene", last_name: "Shopper" };
    const event = (id: string) => ({
      event: "CompletePayment",
      event_id: id,
      event_time: now,
      user,
      properties: { currency: "USD", value: 9 },
    });
    const auth = { Authorization: `Bearer ${KEY}` };
    expect(await call(pipeline.eventsUrl, JSON.stringify({ data: [event("fine"), event("refused")] }), auth)).toBe(202);
    // refused at the door, in every way that quotes something back
    expect(await call(pipeline.eventsUrl, JSON.stringify({ ...event("bad-name"), event: "IntiateCheckout" }), auth)).toBe(400);
    expect(await call(pipeline.eventsUrl, JSON.stringify({ ...event("bad-field"), user: { ...user, mail: EMAIL } }), auth)).toBe(400);
    expect(await call(pipeline.eventsUrl, `{"user": {"email": ${EMAIL}}}`, auth)).toBe(400);
    expect(await call(pipeline.eventsUrl, JSON.stringify(event("no-key")), { Authorization: `Bearer ${KEY}x` })).toBe(401);
    const order = JSON.stringify({ id: 1, status: "pending", billing: { email: EMAIL, phone: PHONE } });
    expect(
      await call(pipeline.woocommerceUrl, order, {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Signature": signBody(order, WEBHOOK_SECRET),
      }),
    ).toBe(200);
    expect(
      await call(pipeline.woocommerceUrl, order, {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Signature": signBody(order, "guess"),
      }),
    ).toBe(401);

    const sqs = sqsClientFor(pipeline.sqsEndpoint);
    await waitFor(() => tiktok.deliveredIds().includes("fine"), 15_000, "the good event at TikTok");
    await waitFor(async () => (await depth(sqs, pipeline.deadLetterQueueUrl)) === 1, 15_000, "the refused event in the DLQ");
    const dead = await takeAll(sqs, pipeline.deadLetterQueueUrl);
    expect(readDeadLetter(dead[0]!.MessageAttributes)).toMatchObject({ eventId: "refused", reason: "40002" });
    const attributes = dead.map((message) => JSON.stringify(message.MessageAttributes)).join("\n");
    sqs.destroy();

    // e-mail and phone are hashed in the queue; the IP is sent to TikTok as is (TikTok requires it in clear)
    expect(dead[0]!.Body).not.toContain(EMAIL.toLowerCase());
    expect(dead[0]!.Body).not.toContain("+14155550199");
    for (const [where, text] of [
      ["logs", logs.join("\n")],
      ["responses", responses.join("\n")],
      ["DLQ attributes", attributes],
    ] as const) {
      expect(text.length, `${where} were captured`).toBeGreaterThan(0);
      for (const secret of FORBIDDEN) expect(text, `${where} contain ${secret}`).not.toContain(secret);
    }
  });
});
