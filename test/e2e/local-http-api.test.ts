import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalPipeline } from "../../local/pipeline";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { waitFor } from "../support/queues";

// `npm start` with API_FLAVOUR=http: the local API builds HTTP API payload-2.0 events (and answers the HTTP
// API's own refusals); the same handlers deliver to TikTok.

const KEY = "http-key";
let tiktok: FakeTikTok;
let pipeline: LocalPipeline;

beforeAll(async () => {
  tiktok = await startFakeTikTok();
  pipeline = await startTestPipeline(tiktok, { INGEST_API_KEY: KEY, API_FLAVOUR: "http", SENDER_BATCHING_WINDOW_MS: "200" });
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

const post = (authorization: string | undefined, body: unknown) =>
  fetch(pipeline.eventsUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
    body: JSON.stringify(body),
  });

describe("local pipeline with API_FLAVOUR=http", () => {
  it("accepts and delivers an event posted with a valid key", async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await post(`Bearer ${KEY}`, {
      event: "Lead",
      event_id: "http-lead-1",
      event_time: now - 5,
      user: { email: "a@b.cd" },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, event_ids: ["http-lead-1"], warnings: [] });
    await waitFor(() => tiktok.deliveredIds().includes("http-lead-1"), 10_000, "the event at TikTok");
  });

  it("answers as an HTTP API does: 401 without the header, 403 for a wrong key", async () => {
    const missing = await post(undefined, { event: "Lead", event_id: "x" });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: "Unauthorized" });
    const wrong = await post("Bearer nope", { event: "Lead", event_id: "x" });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ message: "Forbidden" });
  });

  it("refuses an unknown flavour at start", async () => {
    await expect(startTestPipeline(tiktok, { API_FLAVOUR: "grpc" })).rejects.toThrow(/API_FLAVOUR=grpc/);
  });
});
