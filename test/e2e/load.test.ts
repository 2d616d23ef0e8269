import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalPipeline } from "../../local/pipeline";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { waitFor } from "../support/queues";

// The local pipeline under concurrent callers (loopback only, bounded in time): every event answered 202
// reaches the fake TikTok exactly once. Peak memory is printed, not asserted (targets live in npm run bench).

const CONNECTIONS = 50;
const SECONDS = Number(process.env.LOAD_TEST_SECONDS ?? 8);
let tiktok: FakeTikTok;
let pipeline: LocalPipeline;

beforeAll(async () => {
  tiktok = await startFakeTikTok();
  pipeline = await startTestPipeline(tiktok, {
    SENDER_BATCHING_WINDOW_MS: "500",
  });
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

describe("load", () => {
  it(`delivers exactly once everything ${CONNECTIONS} concurrent callers got a 202 for, over ${SECONDS} s`, async () => {
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    const deadline = Date.now() + SECONDS * 1000;
    let sequence = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, connection) => {
        while (Date.now() < deadline) {
          const size = 1 + (sequence++ % 10);
          const now = Math.floor(Date.now() / 1000);
          const data = Array.from({ length: size }, () => ({
            event: "AddToCart",
            event_id: `c${connection}-${sequence++}`,
            event_time: now,
            user: { email: `load${sequence}@example.com`, ip: "203.0.113.5" },
            properties: { currency: "USD", value: 3, contents: [{ content_id: sequence, quantity: 1, price: 3 }] },
          }));
          const response = await fetch(pipeline.eventsUrl, {
            method: "POST",
            headers: { Authorization: "Bearer k" },
            body: JSON.stringify({ data }),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const body = (await response.json()) as { event_ids?: string[] };
          if (response.status === 202) accepted.push(...body.event_ids!);
        }
      }),
    );
    expect([...statuses.keys()]).toEqual([202]);
    await waitFor(() => tiktok.deliveredIds().length >= accepted.length, 60_000, `${accepted.length} deliveries`);
    await waitFor(async () => (await pipeline.stats()).events.in_queue === 0, 20_000, "an empty queue");
    clearInterval(sampler);

    const delivered = tiktok.deliveredIds();
    expect(delivered.length).toBe(accepted.length);
    expect(new Set(delivered)).toEqual(new Set(accepted));
    expect(Math.max(...tiktok.requests.map((request) => request.body.data.length))).toBeLessThanOrEqual(1000);
    console.log(
      `load: ${accepted.length} events in ${SECONDS} s from ${CONNECTIONS} connections (${Math.round(accepted.length / SECONDS)}/s), ` +
        `${tiktok.requests.length} TikTok requests, peak RSS ${Math.round(peakRss / 1024 / 1024)} MB`,
    );
  });
});
