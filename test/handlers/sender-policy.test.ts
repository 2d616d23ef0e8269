import { describe, expect, it } from "vitest";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { type Counter, retryDelaySeconds } from "../../lambdas/sender/sender";
import { type Answer, ok, type ReceivedRequest } from "../support/fake-tiktok";
import { depth, takeAll, waitFor } from "../support/queues";
import { failures, NOW, queuedEvent, receiveAll, receiveBatch, senderFor, useSenderFixture } from "../support/sender-harness";

// What the sender does with each kind of failure: bad rows isolated and dead-lettered at once with TikTok's
// reason, retryable failures delayed with backoff, the last attempt dead-lettered with its reason.

const fixture = useSenderFixture();

/** Like TikTok: one bad row fails the whole request with 40002. */
const rejecting =
  (bad: Set<string>) =>
  (request: ReceivedRequest): Answer => {
    const found = request.body.data.findIndex((event) => bad.has(event.event_id));
    return found < 0
      ? ok()
      : { status: 200, body: { code: 40002, message: `data.${found}.properties.contents.0.content_id: Not a valid string` } };
  };

const dlq = async () =>
  (await takeAll(fixture.queues.client, fixture.queues.deadLetterQueueUrl)).map((message) => ({
    ...readDeadLetter(message.MessageAttributes),
    body: message.Body!,
  }));

describe("bad rows", () => {
  it.each([[["e500"]], [["e0", "e999"]], [["e1", "e2", "e777"]]])(
    "isolates %j among 1,000: the rest is delivered once, the bad ones go to the DLQ with 40002",
    async (badIds) => {
      const bad = new Set(badIds);
      fixture.tiktok.respond = rejecting(bad);
      const bodies = Array.from({ length: 1000 }, (_, i) => queuedEvent(`e${i}`));
      const tallies: Record<string, number> = {};
      const count: Counter = (metric, value, dimension) => {
        const key = dimension ? `${metric}:${dimension.value}` : metric;
        tallies[key] = (tallies[key] ?? 0) + value;
      };
      const response = await senderFor(fixture.queues, fixture.tiktok, { count })(await receiveBatch(fixture.queues, bodies));

      expect(failures(response)).toEqual([]);
      const delivered = fixture.tiktok.deliveredIds();
      expect(delivered).toHaveLength(1000 - bad.size);
      expect(new Set(delivered).size).toBe(1000 - bad.size);
      expect(delivered.filter((id) => bad.has(id))).toEqual([]);
      // bisection: the first request, then two halves per level down to each bad event
      expect(fixture.tiktok.requests.length).toBeLessThanOrEqual(1 + bad.size * 2 * 10);

      const dead = await dlq();
      expect(dead.map((d) => d.eventId).sort()).toEqual([...bad].sort());
      for (const entry of dead) {
        expect(entry).toMatchObject({
          reason: "40002",
          detail: expect.stringContaining("Not a valid string"),
          eventName: "AddToCart",
          attempts: 1,
        });
        expect(entry.failedAt).toBe(new Date(NOW * 1000).toISOString());
        expect(JSON.parse(entry.body)).toEqual(queuedEvent(entry.eventId!));
      }
      expect(await depth(fixture.queues.client, fixture.queues.eventsQueueUrl)).toBe(0);
      // Totals (what the alarms read) and per code (what the dashboard breaks down).
      expect(tallies).toEqual({
        EventsDelivered: 1000 - bad.size,
        EventsDeadLettered: bad.size,
        "EventsDeadLettered:40002": bad.size,
        EventsRejected: bad.size,
        "EventsRejected:40002": bad.size,
      });
    },
  );

  it("counts each metric's total once per invocation, whatever the codes", async () => {
    const codes: Record<string, number> = { e3: 40002, e7: 40000 };
    fixture.tiktok.respond = (request) => {
      const found = request.body.data.find((event) => codes[event.event_id] !== undefined);
      return found ? { status: 200, body: { code: codes[found.event_id]!, message: "bad row" } } : ok();
    };
    const calls: [string, number, string?][] = [];
    const count: Counter = (metric, value, dimension) => void calls.push(dimension ? [metric, value, dimension.value] : [metric, value]);
    const bodies = Array.from({ length: 10 }, (_, i) => queuedEvent(`e${i}`));
    await senderFor(fixture.queues, fixture.tiktok, { count })(await receiveBatch(fixture.queues, bodies));

    expect(calls.filter((call) => call.length === 2).sort()).toEqual([
      ["EventsDeadLettered", 2],
      ["EventsDelivered", 8],
      ["EventsRejected", 2],
    ]);
    expect(calls.filter((call) => call[0] === "EventsRejected" && call.length === 3).sort()).toEqual([
      ["EventsRejected", 1, "40000"],
      ["EventsRejected", 1, "40002"],
    ]);
  });

  it("dead-letters a lone event TikTok refuses, without retrying it", async () => {
    fixture.tiktok.respond = rejecting(new Set(["x"]));
    const response = await senderFor(fixture.queues, fixture.tiktok)(await receiveBatch(fixture.queues, [queuedEvent("x")]));
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.requests).toHaveLength(1);
    expect((await dlq()).map((d) => [d.eventId, d.reason])).toEqual([["x", "40002"]]);
  });
});

describe("duplicates in one batch", () => {
  it("sends an event that is queued twice once, and acknowledges both copies", async () => {
    const batch = await receiveBatch(fixture.queues, [queuedEvent("same"), queuedEvent("other"), queuedEvent("same")]);
    const response = await senderFor(fixture.queues, fixture.tiktok)(batch);
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.requests.map((request) => request.body.data.map((event) => event.event_id))).toEqual([["same", "other"]]);
  });

  it("gives the copy the verdict of the original: both go to the DLQ when TikTok refuses it", async () => {
    fixture.tiktok.respond = rejecting(new Set(["bad"]));
    const response = await senderFor(
      fixture.queues,
      fixture.tiktok,
    )(await receiveBatch(fixture.queues, [queuedEvent("bad"), queuedEvent("bad")]));
    expect(failures(response)).toEqual([]);
    expect((await dlq()).map((d) => [d.eventId, d.reason])).toEqual([
      ["bad", "40002"],
      ["bad", "40002"],
    ]);
  });
});

describe("events that are never sent", () => {
  it("dead-letters an event older than the maximum age as too_old, without calling TikTok", async () => {
    const old = queuedEvent("old", undefined, { event_time: NOW - 8 * 86_400 });
    const response = await senderFor(fixture.queues, fixture.tiktok)(await receiveBatch(fixture.queues, [old, queuedEvent("fresh")]));
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.deliveredIds()).toEqual(["fresh"]);
    expect((await dlq()).map((d) => [d.eventId, d.reason])).toEqual([["old", "too_old"]]);
  });

  it("dead-letters a message that is not a relay event as malformed", async () => {
    const response = await senderFor(fixture.queues, fixture.tiktok)(await receiveBatch(fixture.queues, ["not json", queuedEvent("ok")]));
    expect(failures(response)).toEqual([]);
    const dead = await dlq();
    expect(dead.map((d) => [d.reason, d.body])).toEqual([["malformed", "not json"]]);
  });
});

describe("retryable failures", () => {
  it("fails the messages and hides them for the backoff delay of their receive count", async () => {
    fixture.tiktok.respond = () => ({ status: 200, body: { code: 50000, message: "internal error" } });
    const handler = senderFor(fixture.queues, fixture.tiktok, { retryBaseSeconds: 1 });
    const first = await receiveBatch(fixture.queues, [queuedEvent("a")]);
    expect(failures(await handler(first))).toEqual([first.Records[0]!.messageId]);
    // hidden now (the test's receive used a 300 s visibility; the sender shortened it to 1 s)...
    await waitFor(
      async () => (await depth(fixture.queues.client, fixture.queues.eventsQueueUrl)) === 1,
      5000,
      "the message back in the queue",
    );
    const second = await receiveAll(fixture.queues, 1);
    expect(second.Records[0]!.attributes.ApproximateReceiveCount).toBe("2");
    expect(failures(await handler(second))).toEqual([second.Records[0]!.messageId]);
    expect(await dlq()).toEqual([]);
  });

  it("doubles the delay per receive, up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => retryDelaySeconds(n, 30, 900))).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it("dead-letters on the last receive, with the reason of the last failure", async () => {
    fixture.tiktok.respond = () => ({ status: 503, body: "<html>Service Unavailable</html>" });
    const response = await senderFor(fixture.queues, fixture.tiktok, { maxReceiveCount: 1 })(
      await receiveBatch(fixture.queues, [queuedEvent("a")]),
    );
    expect(failures(response)).toEqual([]);
    expect((await dlq()).map((d) => [d.eventId, d.reason, d.attempts])).toEqual([["a", "http_503", 1]]);
  });

  it("keeps a message in the queue when it cannot be moved to the DLQ", async () => {
    fixture.tiktok.respond = rejecting(new Set(["x"]));
    const handler = senderFor(fixture.queues, fixture.tiktok, {
      deadLetterQueueUrl: `${fixture.queues.endpoint}/123456789012/no-such-dlq`,
    });
    const batch = await receiveBatch(fixture.queues, [queuedEvent("x")]);
    expect(failures(await handler(batch))).toEqual([batch.Records[0]!.messageId]);
  });
});

describe("configuration errors", () => {
  it("halts on a revoked token: the messages stay queued for a retry, then reach the DLQ with the code", async () => {
    fixture.tiktok.respond = () => ({ status: 200, body: { code: 40105, message: "access token is invalid" } });
    const handler = senderFor(fixture.queues, fixture.tiktok, { tokens: ["revoked", "still-revoked"], maxReceiveCount: 2 });
    const first = await receiveBatch(fixture.queues, [queuedEvent("a"), queuedEvent("b", "OTHERPIXEL0001")]);
    expect(failures(await handler(first)).sort()).toEqual(first.Records.map((r) => r.messageId).sort());
    expect(fixture.tiktok.requests).toHaveLength(2); // the first request and its retry with the re-read token
    expect(await dlq()).toEqual([]);
  });
});
