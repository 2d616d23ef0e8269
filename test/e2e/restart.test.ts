import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { type FakeTikTok, ok, startFakeTikTok } from "../support/fake-tiktok";
import { depth, waitFor } from "../support/queues";
import { type RelayProcess, startRelayProcess } from "../support/relay-process";

// Kill -9 the relay in the middle of sending, start it again on the same queue server (SQS_ENDPOINT): every
// event that got a 202 still reaches TikTok. Messages the dead process had in flight come back after the
// visibility timeout, so an event may reach TikTok twice (TikTok drops the copy by event_id), never zero times.

let queues: LocalQueues;
let tiktok: FakeTikTok;
const relays: RelayProcess[] = [];

beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 10, visibilityTimeoutSeconds: 3 });
  tiktok = await startFakeTikTok();
});
afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.kill()));
  await tiktok?.close();
  await queues?.close();
});

const env = () => ({
  SQS_ENDPOINT: queues.endpoint,
  INGEST_API_KEY: "k",
  TIKTOK_PIXEL_CODE: "C4PIXEL0000000000001",
  TIKTOK_ACCESS_TOKEN: "t",
  TIKTOK_API_URL: tiktok.url,
  SENDER_BATCH_SIZE: "50",
  SENDER_BATCHING_WINDOW_MS: "100",
  VISIBILITY_TIMEOUT_SECONDS: "3",
});

describe("restart", () => {
  it("loses nothing acknowledged with 202 when the relay is killed mid-flow and the queue survives", async () => {
    // A slow TikTok keeps requests in flight when the kill comes.
    let answered = 0;
    tiktok.respond = () => {
      answered++;
      return { ...ok(), delayMs: 150 };
    };
    const first = await startRelayProcess(env());
    relays.push(first);
    const now = Math.floor(Date.now() / 1000);
    const ids = Array.from({ length: 600 }, (_, i) => `order-${i}`);
    for (let start = 0; start < ids.length; start += 100) {
      const data = ids.slice(start, start + 100).map((id) => ({
        event: "CompletePayment",
        event_id: id,
        event_time: now,
        user: { email: `${id}@example.com` },
        properties: { currency: "USD", value: 1 },
      }));
      const response = await fetch(first.eventsUrl, {
        method: "POST",
        headers: { Authorization: "Bearer k" },
        body: JSON.stringify({ data }),
      });
      expect(response.status).toBe(202);
    }
    await waitFor(() => answered >= 2, 20_000, "the first deliveries");
    await first.kill();
    const deliveredBeforeRestart = new Set(tiktok.deliveredIds()).size;
    expect(deliveredBeforeRestart).toBeLessThan(ids.length);

    const second = await startRelayProcess(env());
    relays.push(second);
    await waitFor(() => new Set(tiktok.deliveredIds()).size >= ids.length, 60_000, "every accepted event at TikTok");
    await waitFor(async () => (await depth(queues.client, queues.eventsQueueUrl)) === 0, 20_000, "an empty queue");

    const counts = new Map<string, number>();
    for (const id of tiktok.deliveredIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(new Set(counts.keys())).toEqual(new Set(ids));
    // at least once: a copy only for what the killed process had in flight
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(0);
  });
});
