import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRedriveArgs } from "../../cli/args";
import { runRedrive } from "../../cli/commands";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import type { LocalPipeline } from "../../local/pipeline";
import { sqsClientFor } from "../../local/sqs-server";
import { type Answer, type FakeTikTok, ok, type ReceivedRequest, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { depth, takeAll, waitFor } from "../support/queues";

// The outage drill: TikTok fails in every way it can for a while, every event ends up in the DLQ, TikTok
// recovers, one redrive command, and every good event is delivered exactly once while the bad ones wait in
// the DLQ with TikTok's reason, never sent again once isolated.

type Phase = "50000" | "503" | "timeout" | "up";
const BAD = new Set(["bad-1", "bad-2", "bad-3"]);
let phase: Phase = "50000";
let tiktok: FakeTikTok;
let pipeline: LocalPipeline;

const seen = new Set<Phase>();

function answer(request: ReceivedRequest): Answer {
  seen.add(phase);
  switch (phase) {
    case "50000":
      return { status: 200, body: { code: 50000, message: "Internal service error" } };
    case "503":
      return { status: 503, body: "<html><body>503 Service Temporarily Unavailable</body></html>" };
    case "timeout":
      return { hang: true };
    case "up": {
      const found = request.body.data.findIndex((event) => BAD.has(event.event_id));
      return found < 0 ? ok() : { status: 200, body: { code: 40002, message: `data.${found}.properties.value: Not a valid number` } };
    }
  }
}

beforeAll(async () => {
  tiktok = await startFakeTikTok(answer);
  pipeline = await startTestPipeline(tiktok, {
    INGEST_API_KEY: "drill",
    TIKTOK_ACCESS_TOKEN: "token",
    TIKTOK_REQUEST_TIMEOUT_MS: "300",
    MAX_RECEIVE_COUNT: "3",
    RETRY_BASE_SECONDS: "1",
    RETRY_MAX_SECONDS: "2",
    VISIBILITY_TIMEOUT_SECONDS: "10",
  });
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

describe("outage drill", () => {
  it("loses nothing through an outage and a redrive; bad events wait in the DLQ with 40002", async () => {
    const now = Math.floor(Date.now() / 1000);
    const events = [...Array.from({ length: 1000 }, (_, i) => `good-${i}`), ...BAD].map((id) => ({
      event: "CompletePayment",
      event_id: id,
      event_time: now - 10,
      user: { email: `${id}@example.com` },
      properties: { currency: "USD", value: 10 },
    }));
    const responses = await Promise.all(
      [events.slice(0, 500), events.slice(500)].map((data) =>
        fetch(pipeline.eventsUrl, { method: "POST", headers: { Authorization: "Bearer drill" }, body: JSON.stringify({ data }) }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([202, 202]);

    // TikTok is down: first it answers 50000, then HTTP 503 pages, then nothing at all.
    const sqs = sqsClientFor(pipeline.sqsEndpoint);
    await waitFor(() => tiktok.requests.length >= 2, 15_000, "the sender to meet the first outage");
    phase = "503";
    await waitFor(() => tiktok.requests.length >= 4, 15_000, "the sender to meet HTTP 503");
    phase = "timeout";
    await waitFor(async () => (await depth(sqs, pipeline.deadLetterQueueUrl)) === 1003, 60_000, "every event in the DLQ");
    // The sender copies a message to the DLQ before its original is deleted: wait for both sides.
    await waitFor(async () => (await depth(sqs, pipeline.eventsQueueUrl)) === 0, 15_000, "an empty events queue");
    expect(await depth(sqs, pipeline.deadLetterQueueUrl)).toBe(1003);
    expect(tiktok.deliveredIds()).toEqual([]);
    expect([...seen]).toEqual(["50000", "503", "timeout"]);
    const outageRequests = tiktok.requests.length;

    // TikTok recovers; one command puts the DLQ back.
    phase = "up";
    const printed: string[] = [];
    const exit = await runRedrive(parseRedriveArgs(["--dlq", pipeline.deadLetterQueueUrl]), {
      sqs,
      print: (line) => printed.push(line),
      pollMs: 100,
    });
    expect(exit).toBe(0);

    await waitFor(() => tiktok.deliveredIds().length >= 1000, 60_000, "1,000 deliveries after the redrive");
    await waitFor(async () => (await depth(sqs, pipeline.deadLetterQueueUrl)) === 3, 30_000, "the 3 bad events back in the DLQ");
    await waitFor(async () => (await depth(sqs, pipeline.eventsQueueUrl)) === 0, 30_000, "an empty events queue");

    // Every good event reached TikTok exactly once in a successful request.
    const delivered = tiktok.deliveredIds();
    expect(delivered).toHaveLength(1000);
    expect(new Set(delivered)).toEqual(new Set(events.map((event) => event.event_id).filter((id) => !BAD.has(id))));

    // The bad ones wait in the DLQ with TikTok's code...
    const dead = (await takeAll(sqs, pipeline.deadLetterQueueUrl)).map((message) => readDeadLetter(message.MessageAttributes));
    expect(dead.map((entry) => [entry.eventId, entry.reason]).sort()).toEqual([...BAD].sort().map((id) => [id, "40002"]));
    expect(dead.every((entry) => entry.detail.includes("Not a valid number"))).toBe(true);
    // ...and once isolated (alone in a request answered 40002) they were never sent again.
    const after = tiktok.requests.slice(outageRequests);
    for (const id of BAD) {
      const carrying = after
        .map((request, index) => ({ request, index }))
        .filter(({ request }) => request.body.data.some((event) => event.event_id === id));
      const isolated = carrying.findIndex(({ request }) => request.body.data.length === 1);
      expect(isolated, JSON.stringify([printed, carrying.map(({ request, index }) => [index, request.body.data.length])])).toBe(
        carrying.length - 1,
      );
    }
    sqs.destroy();
  });
});
