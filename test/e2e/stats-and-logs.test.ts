import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleLog } from "../../local/console-log";
import type { LocalPipeline } from "../../local/pipeline";
import { type StatsSnapshot, summaryLine } from "../../local/stats";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { waitFor } from "../support/queues";

// `GET /stats` after a small run through `npm start`'s pipeline, and the run's logs: counts and match quality
// a shop can act on, and not one raw identifier in any log line.

const EMAIL = "Jane.Shopper+tiktok@Example.org";
const PHONE = "+44 20 7946 0321";
const IP = "198.51.100.23";
let tiktok: FakeTikTok;
let pipeline: LocalPipeline;
const logLines: string[] = [];

beforeAll(async () => {
  tiktok = await startFakeTikTok();
  pipeline = await startTestPipeline(
    tiktok,
    {},
    consoleLog((line) => logLines.push(line)),
  );
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

const post = (body: unknown, key = "k") =>
  fetch(pipeline.eventsUrl, { method: "POST", headers: { Authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

describe("stats and logs", () => {
  it("counts what happened, measures match quality per event name, and logs no identifier", async () => {
    const now = Math.floor(Date.now() / 1000);
    const strong = {
      event: "CompletePayment",
      event_id: "p1",
      event_time: now,
      user: { email: EMAIL, phone: PHONE, ip: IP, user_agent: "Mozilla/5.0", ttclid: "E.C.P.x" },
      properties: { currency: "USD", value: 20 },
    };
    const weak = { event: "CompletePayment", event_id: "p2", event_time: now, user: { ip: IP }, properties: { currency: "USD", value: 5 } };
    const cart = { event: "AddToCart", event_id: "c1", event_time: now, user: { email: EMAIL } };
    const accepted = await post({ data: [strong, weak, cart] });
    expect(accepted.status).toBe(202);
    const warnings = ((await accepted.json()) as { warnings: { index: number; message: string }[] }).warnings;
    expect(warnings.filter((w) => w.message.includes("will rarely match")).map((w) => w.index)).toEqual([1]);
    expect((await post({ event: "IntiateCheckout", event_id: "x", user: { email: EMAIL } })).status).toBe(400);
    expect((await post(strong, "wrong-key")).status).toBe(401);

    await waitFor(() => tiktok.deliveredIds().length >= 3, 15_000, "3 deliveries");
    await waitFor(async () => (await pipeline.stats()).events.in_queue === 0, 10_000, "an empty queue");
    const response = await fetch(`${pipeline.apiUrl}/stats`);
    expect(response.status).toBe(200);
    const stats = (await response.json()) as StatsSnapshot;
    expect(stats.events).toEqual({
      received: 4,
      accepted: 3,
      rejected: 1,
      rejected_by_reason: { "invalid:event": 1 },
      delivered: 3,
      already_delivered: 0,
      dry_run: 0,
      retried: 0,
      dead_lettered: 0,
      ledger_errors: 0,
      in_queue: 0,
      in_dlq: 0,
    });
    expect(stats.match_quality.by_event.CompletePayment).toEqual({
      events: 2,
      // strong: email 25 + phone 20 + ttclid 20 + ip 5 + user agent 5 = 75; weak: ip 5 → average 40
      score: 40,
      strong_key_share: 0.5,
      coverage: { email: 0.5, phone: 0.5, ttclid: 0.5, external_id: 0, ttp: 0, ip: 1, user_agent: 0.5, name: 0, address: 0 },
    });
    expect(stats.match_quality.by_event.AddToCart).toMatchObject({ events: 1, score: 25, strong_key_share: 1 });
    expect(stats.match_quality.overall).toMatchObject({ events: 3, strong_key_share: 0.667 });
    expect(summaryLine(stats)).toBe(
      "stats: received 4, accepted 3, rejected 1, delivered 3, retried 0, in queue 0, in DLQ 0; match score 35 (strong key on 67% of events)",
    );

    const logs = logLines.join("\n");
    expect(logs).toContain('eventIds=["p1","p2","c1"]');
    expect(logs).toContain("tiktokRequestId=req-ok");
    for (const secret of [EMAIL, EMAIL.toLowerCase(), "jane.shopper", PHONE, "+442079460321", "2079460321", IP, "wrong-key", "E.C.P.x"]) {
      expect(logs, `the logs contain ${secret}`).not.toContain(secret);
    }
  });
});
