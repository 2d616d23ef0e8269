import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalPipeline } from "../../local/pipeline";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { waitFor } from "../support/queues";
import { strict } from "../support/strict-tiktok";

// `npm start`'s pipeline end to end with offline and CRM events: the README's own examples are posted over
// HTTP, go through the embedded queue and the sender, and reach a fake TikTok that refuses what TikTok would.
// What it receives must be, byte for byte, what the README says TikTok receives.

const README = readFileSync(new URL("../../docs/event-format.md", import.meta.url), "utf8");
const KEY = "e2e-key";
const OFFLINE_SET = "7301234567890123456";

/** The body of the curl example after `heading`, and the JSON TikTok receives, as the README shows them. */
function readmeExample(heading: string): { body: unknown; received: unknown } {
  const section = README.slice(README.indexOf(heading));
  const body = /-d '(\{[\s\S]*?\})'\n```/.exec(section)?.[1];
  const received = /TikTok receives[^\n]*\n```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!body || !received) throw new Error(`README example "${heading}" not found`);
  return { body: JSON.parse(body), received: JSON.parse(received) };
}

/** A request body with its events' times set to `time`: the examples take the time of posting. */
function at(time: number, body: unknown): string {
  const request = structuredClone(body) as { data: { event_time: number }[] };
  for (const event of request.data) event.event_time = time;
  return JSON.stringify(request);
}

let tiktok: FakeTikTok;
let pipeline: LocalPipeline;
beforeAll(async () => {
  tiktok = await startFakeTikTok(strict());
  pipeline = await startTestPipeline(tiktok, { INGEST_API_KEY: KEY, OFFLINE_EVENT_SET_ID: OFFLINE_SET, LDU_REGIONS: "US-CA" });
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

const post = async (body: unknown) => {
  const response = await fetch(pipeline.eventsUrl, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const requestFor = async (eventId: string) => {
  await waitFor(() => tiktok.deliveredIds().includes(eventId), 20_000, `${eventId} at the fake TikTok`);
  return tiktok.requests.find((request) => request.body.data.some((event) => event.event_id === eventId))!;
};

describe("offline and CRM events end to end", () => {
  it("the README's offline example reaches TikTok exactly as the README shows it", async () => {
    const example = readmeExample("An offline sale, posted");
    const answer = await post(example.body);
    expect(answer).toEqual({ status: 202, body: { accepted: 1, event_ids: ["pos-2026-0042"], warnings: [] } });
    const request = await requestFor("pos-2026-0042");
    const time = request.body.data[0]!.event_time as number;
    expect(Math.abs(time - Date.now() / 1000)).toBeLessThan(60);
    expect(request.raw).toBe(at(time, example.received));
  });

  it("the README's CRM example reaches TikTok exactly as the README shows it", async () => {
    const example = readmeExample("A lead your CRM qualified");
    expect((await post(example.body)).status).toBe(202);
    const request = await requestFor("crm-lead-7311-qualified");
    expect(request.raw).toBe(at(request.body.data[0]!.event_time as number, example.received));
  });

  it("a shopper who declined never reaches TikTok; one in an LDU region arrives flagged", async () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = await post({
      data: [
        { event: "Purchase", event_id: "declined-1", event_time: now, consent: "denied", user: { email: "no@example.com" } },
        {
          event: "Purchase",
          event_id: "ldu-1",
          event_time: now,
          consent: "granted",
          user: { email: "ca@example.com", state: "CA", country: "US" },
        },
      ],
    });
    expect(answer.body).toMatchObject({ accepted: 1, event_ids: ["ldu-1"], dropped: { consent_denied: 1 } });
    const request = await requestFor("ldu-1");
    expect(request.body.data[0]).toMatchObject({ event_id: "ldu-1", limited_data_use: true });
    expect(JSON.stringify(tiktok.requests)).not.toContain("declined-1");
    expect((await pipeline.stats()).events.rejected_by_reason).toMatchObject({ consent_denied: 1 });
  });

  it("TikTok's strict checks answered 0 to every request", () => {
    expect(tiktok.requests.length).toBeGreaterThan(0);
    expect(tiktok.deliveredIds()).toHaveLength(tiktok.requests.reduce((sum, request) => sum + request.body.data.length, 0));
  });
});
