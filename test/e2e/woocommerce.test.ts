import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signBody } from "../../lambdas/woocommerce/signature";
import type { LocalPipeline } from "../../local/pipeline";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { waitFor } from "../support/queues";

// A WooCommerce shop's order webhook through `npm start`'s pipeline to a fake TikTok: one purchase however
// often the order is delivered.

const SECRET = "e2e-webhook-secret";
let tiktok: FakeTikTok;
let pipeline: LocalPipeline;

beforeAll(async () => {
  tiktok = await startFakeTikTok();
  pipeline = await startTestPipeline(tiktok, {
    TIKTOK_ACCESS_TOKEN: "token",
    WOOCOMMERCE_WEBHOOK_SECRET: SECRET,
    SENDER_BATCHING_WINDOW_MS: "500",
  });
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

describe("WooCommerce through the local pipeline", () => {
  it("turns a signed order webhook into one Purchase at TikTok with the order's event_id", async () => {
    const order = JSON.parse(readFileSync(new URL("../fixtures/woocommerce/order-registered-completed-eur.json", import.meta.url), "utf8"));
    const paid = new Date(Date.now() - 120_000).toISOString().slice(0, 19);
    const body = JSON.stringify({ ...order, date_paid_gmt: paid, date_created_gmt: paid });
    const deliver = (topic: string) =>
      fetch(pipeline.woocommerceUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Signature": signBody(body, SECRET) },
        body,
      });
    const answers = [await deliver("order.created"), await deliver("order.updated")];
    expect(answers.map((response) => response.status)).toEqual([200, 200]);

    await waitFor(() => tiktok.deliveredIds().length >= 1, 15_000, "the purchase at TikTok");
    // the same order twice is the same event_id: sent once when both wait in one batch, and in any case one
    // purchase for TikTok, which deduplicates on event_id
    expect(new Set(tiktok.deliveredIds())).toEqual(new Set([`wc_order_${order.id}`]));
    const event = tiktok.requests[0]!.body.data[0] as unknown as {
      event: string;
      event_time: number;
      user: Record<string, string>;
      properties: Record<string, unknown>;
    };
    expect(event.event).toBe("Purchase");
    expect(event.event_time).toBe(Math.floor(Date.parse(`${paid}Z`) / 1000));
    expect(event.user.email).toMatch(/^[0-9a-f]{64}$/);
    expect(event.properties).toMatchObject({ currency: "EUR", value: Number(order.total) });
    expect(tiktok.requests.map((request) => request.raw).join("")).not.toContain(order.billing.email);

    const unsigned = await fetch(pipeline.woocommerceUrl, { method: "POST", body });
    expect(unsigned.status).toBe(401);
  });
});
