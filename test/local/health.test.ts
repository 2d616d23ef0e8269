import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalPipeline } from "../../local/pipeline";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";

// GET /health on `npm start`: no key, no data, the same answer as the deployed API's mock integration.

let tiktok: FakeTikTok;
let pipeline: LocalPipeline;
beforeAll(async () => {
  tiktok = await startFakeTikTok();
  pipeline = await startTestPipeline(tiktok);
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

describe("GET /health", () => {
  it('answers 200 {"ok": true} without a key, and POST is not a route there', async () => {
    const response = await fetch(`${pipeline.apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect((await fetch(`${pipeline.apiUrl}/health`, { method: "POST" })).status).toBe(405);
  });
});
