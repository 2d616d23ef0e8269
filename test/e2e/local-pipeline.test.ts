import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalPipeline } from "../../local/pipeline";
import { sqsClientFor } from "../../local/sqs-server";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { depth, waitFor } from "../support/queues";

// `npm start`'s pipeline, in-process: real HTTP in, the embedded SQS server, the event source poller,
// the sender, real HTTP out to a fake TikTok.

const PIXEL = "C4PIXEL0000000000001";
const KEY = "e2e-key";
let tiktok: FakeTikTok;
let pipeline: LocalPipeline;

beforeAll(async () => {
  tiktok = await startFakeTikTok();
  pipeline = await startTestPipeline(tiktok, {
    INGEST_API_KEY: KEY,
    TIKTOK_PIXEL_CODE: PIXEL,
    TIKTOK_ACCESS_TOKEN: "e2e-token",
    SENDER_BATCHING_WINDOW_MS: "1000",
  });
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

const post = (body: unknown) =>
  fetch(pipeline.eventsUrl, { method: "POST", headers: { Authorization: `Bearer ${KEY}` }, body: JSON.stringify(body) });

describe("local pipeline end to end", () => {
  it("delivers a burst of 2,500 events exactly once each, hashed, in a handful of ≤1,000-event requests", async () => {
    const now = Math.floor(Date.now() / 1000);
    const events = Array.from({ length: 2500 }, (_, i) => ({
      event: "CompletePayment",
      event_id: `order-${i}`,
      event_time: now - 30,
      user: { email: `buyer${i}@example.com`, phone: `+1650555${String(i).padStart(4, "0")}` },
      properties: { currency: "EUR", value: i, contents: [{ content_id: i, quantity: 1, price: i }] },
    }));
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, chunk) => post({ data: events.slice(chunk * 500, chunk * 500 + 500) })),
    );
    expect(responses.map((response) => response.status)).toEqual([202, 202, 202, 202, 202]);
    const accepted = (await Promise.all(responses.map((response) => response.json() as Promise<{ event_ids: string[] }>))).flatMap(
      (body) => body.event_ids,
    );
    expect(accepted).toHaveLength(2500);

    await waitFor(() => tiktok.deliveredIds().length >= 2500, 60_000, "2,500 events at the fake TikTok");
    const delivered = tiktok.deliveredIds();
    expect(delivered.length).toBe(2500);
    expect(new Set(delivered)).toEqual(new Set(events.map((event) => event.event_id)));

    const sizes = tiktok.requests.map((request) => request.body.data.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    expect(sizes.length).toBeLessThanOrEqual(8);
    expect(tiktok.requests.every((request) => request.headers["access-token"] === "e2e-token")).toBe(true);
    const allBytes = tiktok.requests.map((request) => request.raw).join("");
    expect(allBytes).not.toContain("@example.com");
    expect(allBytes).not.toContain("+1650555");
    const first = tiktok.requests[0]!.body.data[0]! as unknown as {
      user: { email: string };
      properties: { contents: { content_id: unknown }[] };
    };
    expect(first.user.email).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof first.properties.contents[0]!.content_id).toBe("string");

    const sqs = sqsClientFor(pipeline.sqsEndpoint);
    await waitFor(async () => (await depth(sqs, pipeline.eventsQueueUrl)) === 0, 10_000, "the events queue to empty");
    expect(await depth(sqs, pipeline.deadLetterQueueUrl)).toBe(0);
    sqs.destroy();
  });

  it("answers 401 and 404 over HTTP like the deployed API", async () => {
    const unauthorised = await fetch(pipeline.eventsUrl, { method: "POST", body: "{}" });
    expect(unauthorised.status).toBe(401);
    const missing = await fetch(`${pipeline.apiUrl}/nope`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
  });
});
