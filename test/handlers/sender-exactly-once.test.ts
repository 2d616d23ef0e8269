import { describe, expect, it } from "vitest";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { type DeliveryLedger, deliveryKeyString, LedgerUnavailableError, memoryLedger } from "../../lambdas/core/ledger";
import { LedgerGuard } from "../../lambdas/core/ledger-guard";
import { silentLog } from "../../lambdas/core/log";
import type { Counter } from "../../lambdas/core/reports";
import { ok } from "../support/fake-tiktok";
import { takeAll } from "../support/queues";
import { failures, NOW, PIXEL, queuedEvent, receiveAll, receiveBatch, senderFor, useSenderFixture } from "../support/sender-harness";

// The sender's half of "counted exactly once": partial answers (20001) never acknowledge refused events, the
// delivery ledger keeps a delivered event from being sent again, and the time budget stops sending in time.

const fixture = useSenderFixture();
const purchase = (id: string) => queuedEvent(id, PIXEL, { event: "Purchase" });
const dlq = async () =>
  (await takeAll(fixture.queues.client, fixture.queues.deadLetterQueueUrl)).map((message) => ({
    ...readDeadLetter(message.MessageAttributes),
  }));
const tally = () => {
  const counts: Record<string, number> = {};
  const count: Counter = (metric, value, dimension) => {
    const key = dimension ? `${metric}:${dimension.value}` : metric;
    counts[key] = (counts[key] ?? 0) + value;
  };
  return { counts, count };
};

describe("20001: partial success", () => {
  it("dead-letters exactly the events the answer names (by index or event_id), delivers the rest", async () => {
    fixture.tiktok.respond = (request) =>
      request.body.data.length > 1
        ? {
            status: 200,
            body: {
              code: 20001,
              message: "Partial OK",
              request_id: "r-partial",
              data: {
                failed_events: [
                  { index: 1, message: "content_id: Not a valid string" },
                  { event_id: "p3", message: "bad time" },
                ],
              },
            },
          }
        : ok();
    const { counts, count } = tally();
    const bodies = ["p0", "p1", "p2", "p3", "p4"].map(purchase);
    const response = await senderFor(fixture.queues, fixture.tiktok, { count })(await receiveBatch(fixture.queues, bodies));
    expect(failures(response)).toEqual([]);
    // One request: the named events were not sent again.
    expect(fixture.tiktok.requests).toHaveLength(1);
    const dead = await dlq();
    expect(dead.map((d) => [d.eventId, d.reason, d.detail]).sort()).toEqual([
      ["p1", "20001", "content_id: Not a valid string"],
      ["p3", "20001", "bad time"],
    ]);
    expect(counts).toMatchObject({ EventsDelivered: 3, EventsRejected: 2, "EventsRejected:20001": 2 });
  });

  it("without a list of failures, isolates the refused events: a part answered 0 is delivered", async () => {
    const refused = new Set(["q2", "q5"]);
    fixture.tiktok.respond = (request) =>
      request.body.data.some((event) => refused.has(event.event_id))
        ? { status: 200, body: { code: 20001, message: "Partial OK", request_id: "r" } }
        : ok();
    const bodies = Array.from({ length: 8 }, (_, i) => purchase(`q${i}`));
    const response = await senderFor(fixture.queues, fixture.tiktok)(await receiveBatch(fixture.queues, bodies));
    expect(failures(response)).toEqual([]);
    expect(new Set(fixture.tiktok.deliveredIds())).toEqual(new Set(["q0", "q1", "q3", "q4", "q6", "q7"]));
    expect((await dlq()).map((d) => [d.eventId, d.reason]).sort()).toEqual([
      ["q2", "20001"],
      ["q5", "20001"],
    ]);
  });

  it("a list that names nothing in the request is not trusted: isolation decides", async () => {
    fixture.tiktok.respond = (request) =>
      request.body.data.some((event) => event.event_id === "s1")
        ? { status: 200, body: { code: 20001, message: "Partial OK", data: { failed_events: [{ event_id: "not-in-this-request" }] } } }
        : ok();
    const response = await senderFor(fixture.queues, fixture.tiktok)(await receiveBatch(fixture.queues, ["s0", "s1", "s2"].map(purchase)));
    expect(failures(response)).toEqual([]);
    expect(new Set(fixture.tiktok.deliveredIds())).toEqual(new Set(["s0", "s2"]));
    expect((await dlq()).map((d) => d.eventId)).toEqual(["s1"]);
  });
});

describe("the time budget", () => {
  it("sends nothing when the next request could outlive the invocation, and retries later with the usual backoff", async () => {
    const response = await senderFor(fixture.queues, fixture.tiktok, { requestTimeoutMs: 10_000 })(
      await receiveBatch(fixture.queues, ["t0", "t1"].map(purchase)),
      { getRemainingTimeInMillis: () => 12_000 },
    );
    expect(fixture.tiktok.requests).toHaveLength(0);
    expect(failures(response)).toHaveLength(2);
    expect(await dlq()).toEqual([]);
  });

  it("stops at the request cap; what comes back goes out in smaller parts until every event has its verdict, each delivered once", async () => {
    const bad = new Set(["u1", "u6"]);
    fixture.tiktok.respond = (request) =>
      request.body.data.some((event) => bad.has(event.event_id)) ? { status: 200, body: { code: 40002, message: "invalid" } } : ok();
    const bodies = Array.from({ length: 8 }, (_, i) => purchase(`u${i}`));
    const handler = senderFor(fixture.queues, fixture.tiktok, {
      maxRequests: 4,
      parallelRequests: 1,
      retryBaseSeconds: 1,
      retryMaxSeconds: 1,
    });
    let batch = await receiveBatch(fixture.queues, bodies);
    const requestsPerReceive: number[] = [];
    for (let receive = 1; receive <= 8 && batch.Records.length > 0; receive++) {
      const before = fixture.tiktok.requests.length;
      const response = await handler(batch);
      requestsPerReceive.push(fixture.tiktok.requests.length - before);
      const left = failures(response).length;
      if (left === 0) break;
      // The same messages come back after their retry delay, their receive count one higher.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      batch = await receiveAll(fixture.queues, left);
    }
    expect(Math.max(...requestsPerReceive)).toBeLessThanOrEqual(4);
    expect(requestsPerReceive.length).toBeGreaterThan(1);
    const delivered = fixture.tiktok.deliveredIds();
    expect(new Set(delivered)).toEqual(new Set(["u0", "u2", "u3", "u4", "u5", "u7"]));
    expect(delivered).toHaveLength(6); // each once
    expect((await dlq()).map((d) => [d.eventId, d.reason]).sort()).toEqual([
      ["u1", "40002"],
      ["u6", "40002"],
    ]);
  });
});

describe("the delivery ledger", () => {
  const guard = (ledger: DeliveryLedger, counts?: Counter) =>
    new LedgerGuard(ledger, "conversions", silentLog, (n) => counts?.("LedgerErrors", n));

  it("records what TikTok accepted (time, request id, attempts) and never sends it again", async () => {
    const ledger = memoryLedger({ now: () => NOW });
    fixture.tiktok.respond = () => ({ status: 200, body: { code: 0, message: "OK", request_id: "req-77" } });
    const handler = senderFor(fixture.queues, fixture.tiktok, { ledger: guard(ledger) });
    await handler(await receiveBatch(fixture.queues, [purchase("v1"), queuedEvent("v2")]));
    const records = await ledger.findByEventId("v1");
    expect(records).toEqual([
      { key: { destination: `web:${PIXEL}`, event: "Purchase", eventId: "v1" }, deliveredAt: NOW, requestId: "req-77", attempts: 1 },
    ]);
    // An AddToCart is outside the default scope: not recorded.
    expect(await ledger.findByEventId("v2")).toEqual([]);

    const { counts, count } = tally();
    fixture.tiktok.reset();
    const again = await senderFor(fixture.queues, fixture.tiktok, { ledger: guard(ledger), count })(
      await receiveBatch(fixture.queues, [purchase("v1"), queuedEvent("v2")]),
    );
    expect(failures(again)).toEqual([]);
    // v1 is acknowledged without a request; v2 (out of scope) relies on TikTok's 48 h dedup.
    expect(fixture.tiktok.requests.flatMap((request) => request.body.data.map((event) => event.event_id))).toEqual(["v2"]);
    expect(counts).toMatchObject({ EventsAlreadyDelivered: 1, EventsDelivered: 1 });
  });

  it("guards a test event only under its test code: the live event is still sent", async () => {
    const ledger = memoryLedger({ now: () => NOW });
    const handler = senderFor(fixture.queues, fixture.tiktok, { ledger: guard(ledger) });
    await handler(await receiveBatch(fixture.queues, [{ ...purchase("w1"), test_event_code: "TEST1" }]));
    expect(await ledger.findByEventId("w1")).toEqual([]);
    await handler(await receiveBatch(fixture.queues, [purchase("w1")]));
    expect(fixture.tiktok.deliveredIds()).toEqual(["w1", "w1"]);
    expect(await ledger.findByEventId("w1")).toHaveLength(1);
  });

  it("when the ledger cannot be read, sends anyway, counts it and loses nothing", async () => {
    const broken: DeliveryLedger = {
      lookup: async () => {
        throw new LedgerUnavailableError("table unreachable");
      },
      record: async (records) => records.map((record) => record.key),
      findByEventId: async () => [],
    };
    const { counts, count } = tally();
    const response = await senderFor(fixture.queues, fixture.tiktok, { ledger: guard(broken, count), count })(
      await receiveBatch(fixture.queues, ["x1", "x2"].map(purchase)),
    );
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.deliveredIds()).toEqual(["x1", "x2"]);
    // two events unchecked, two deliveries unrecorded
    expect(counts.LedgerErrors).toBe(4);
  });

  it("a record expires after the retention: the ledger then no longer holds it", async () => {
    let now = NOW;
    const ledger = memoryLedger({ now: () => now, retentionDays: 35 });
    await senderFor(fixture.queues, fixture.tiktok, { ledger: guard(ledger) })(await receiveBatch(fixture.queues, [purchase("y1")]));
    const key = { destination: `web:${PIXEL}`, event: "Purchase", eventId: "y1" };
    now = NOW + 3 * 86_400;
    expect((await ledger.lookup([key])).has(deliveryKeyString(key))).toBe(true);
    now = NOW + 36 * 86_400;
    expect((await ledger.lookup([key])).has(deliveryKeyString(key))).toBe(false);
  });
});
