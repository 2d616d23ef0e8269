import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import type { LocalPipeline } from "../../local/pipeline";
import { sqsClientFor } from "../../local/sqs-server";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { depth, takeAll, waitFor } from "../support/queues";

// An event TikTok never accepts is not lost: it is retried until maxReceiveCount, then waits in the DLQ.

let tiktok: FakeTikTok;
let pipeline: LocalPipeline;

beforeAll(async () => {
  tiktok = await startFakeTikTok(() => ({ status: 200, body: { code: 50000, message: "internal error" } }));
  pipeline = await startTestPipeline(tiktok, {
    SENDER_BATCHING_WINDOW_MS: "0",
    MAX_RECEIVE_COUNT: "2",
    VISIBILITY_TIMEOUT_SECONDS: "2",
    RETRY_BASE_SECONDS: "1",
  });
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

describe("local pipeline dead-lettering", () => {
  it("moves an event TikTok keeps refusing to the DLQ after maxReceiveCount attempts", async () => {
    const response = await fetch(pipeline.eventsUrl, {
      method: "POST",
      headers: { Authorization: "Bearer k" },
      body: JSON.stringify({ event: "Lead", event_id: "lead-1", user: { email: "a@b.co" } }),
    });
    expect(response.status).toBe(202);
    const sqs = sqsClientFor(pipeline.sqsEndpoint);
    await waitFor(async () => (await depth(sqs, pipeline.deadLetterQueueUrl)) === 1, 20_000, "the event in the DLQ");
    expect(await depth(sqs, pipeline.eventsQueueUrl)).toBe(0);
    expect(tiktok.requests.map((request) => request.body.data[0]!.event_id)).toEqual(["lead-1", "lead-1"]);
    const [dead] = await takeAll(sqs, pipeline.deadLetterQueueUrl);
    expect(JSON.parse(dead!.Body!).event.event_id).toBe("lead-1");
    // moved by the sender on its last attempt, so it says why
    expect(readDeadLetter(dead!.MessageAttributes)).toMatchObject({
      reason: "50000",
      detail: "internal error",
      eventId: "lead-1",
      attempts: 2,
    });
    expect(dead!.Body).not.toContain("a@b.co");
    sqs.destroy();
  });
});
