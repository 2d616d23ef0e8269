import { describe, expect, it } from "vitest";
import { type Destination, webDestination } from "../../lambdas/core/destination";
import type { QueuedEvent } from "../../lambdas/core/queued-event";
import type { TikTokEvent } from "../../lambdas/core/schema";
import { buildRequestBody, buildRequests, MAX_EVENTS_PER_REQUEST } from "../../lambdas/core/tiktok-request";

const PIXEL_A = "CAAAAAAAAAAAAAAAAAAA";
const PIXEL_B = "CBBBBBBBBBBBBBBBBBBB";

const event = (id: string): TikTokEvent => ({ event: "CompletePayment", event_time: 1767225600, event_id: id });
const item = (key: string, pixel: string, test?: string): { key: string; queued: QueuedEvent } => ({
  key,
  queued: { destination: webDestination(pixel, test), event: event(key) },
});

describe("buildRequestBody", () => {
  it("without a test code the body has no test_event_code key", () => {
    const body = buildRequestBody(webDestination(PIXEL_A), [event("1")]);
    expect(body).toEqual({ event_source: "web", event_source_id: PIXEL_A, data: [event("1")] });
    expect(Object.keys(body)).toEqual(["event_source", "event_source_id", "data"]);
    expect(JSON.stringify(body)).not.toContain("test_event_code");
  });

  it("an empty test code is no test code", () => {
    expect("test_event_code" in buildRequestBody(webDestination(PIXEL_A, ""), [event("1")])).toBe(false);
  });

  it("a test code goes at the top level only", () => {
    const body = buildRequestBody(webDestination(PIXEL_A, "TEST123"), [event("1")]);
    expect(body).toEqual({ event_source: "web", event_source_id: PIXEL_A, test_event_code: "TEST123", data: [event("1")] });
    expect(JSON.stringify(body.data)).not.toContain("test_event_code");
  });
});

describe("buildRequests", () => {
  it("groups by pixel and test code, in arrival order, keys aligned with data", () => {
    const items = [
      item("a1", PIXEL_A),
      item("b1", PIXEL_B),
      item("t1", PIXEL_A, "TEST123"),
      item("a2", PIXEL_A),
      item("b2", PIXEL_B),
      item("t2", PIXEL_A, "TEST123"),
    ];
    const requests = buildRequests(items);
    expect(requests.map(({ body, keys }) => ({ body, keys }))).toEqual([
      { body: { event_source: "web", event_source_id: PIXEL_A, data: [event("a1"), event("a2")] }, keys: ["a1", "a2"] },
      { body: { event_source: "web", event_source_id: PIXEL_B, data: [event("b1"), event("b2")] }, keys: ["b1", "b2"] },
      {
        body: { event_source: "web", event_source_id: PIXEL_A, test_event_code: "TEST123", data: [event("t1"), event("t2")] },
        keys: ["t1", "t2"],
      },
    ]);
    for (const request of requests) {
      expect(JSON.stringify(request.body.data)).not.toContain("test_event_code");
      if (request.body.event_source_id === PIXEL_B) expect("test_event_code" in request.body).toBe(false);
    }
  });

  it("different test codes for one pixel are separate requests", () => {
    const requests = buildRequests([item("x", PIXEL_A, "TEST1"), item("y", PIXEL_A, "TEST2")]);
    expect(requests.map((r) => [r.body.test_event_code, r.keys])).toEqual([
      ["TEST1", ["x"]],
      ["TEST2", ["y"]],
    ]);
  });

  it("1,001 events become a request of 1,000 and one of 1, keys in the same order as data", () => {
    expect(MAX_EVENTS_PER_REQUEST).toBe(1000);
    const items = Array.from({ length: 1001 }, (_, i) => item(`k${i}`, PIXEL_A));
    const requests = buildRequests(items);
    expect(requests.map((r) => r.body.data.length)).toEqual([1000, 1]);
    expect(requests.map((r) => r.keys.length)).toEqual([1000, 1]);
    expect(requests[0]?.keys[0]).toBe("k0");
    expect(requests[0]?.keys[999]).toBe("k999");
    expect(requests[1]?.keys).toEqual(["k1000"]);
    for (const request of requests) {
      for (const [i, key] of request.keys.entries()) expect(request.body.data[i]?.event_id).toBe(key);
    }
  });

  it("honours a smaller maximum per request", () => {
    const items = Array.from({ length: 5 }, (_, i) => item(`k${i}`, PIXEL_A));
    expect(buildRequests(items, 2).map((r) => r.keys)).toEqual([["k0", "k1"], ["k2", "k3"], ["k4"]]);
  });

  it("one request per destination: a web pixel, an offline event set and a CRM event set are never mixed", () => {
    const offline: Destination = { source: "offline", id: "7300000000000000001" };
    const crm: Destination = { source: "crm", id: "7300000000000000002" };
    const requests = buildRequests([
      item("w1", PIXEL_A),
      { key: "o1", queued: { destination: offline, event: event("o1") } },
      { key: "c1", queued: { destination: crm, event: event("c1") } },
      { key: "o2", queued: { destination: offline, event: event("o2") } },
    ]);
    expect(requests.map((r) => [r.body.event_source, r.body.event_source_id, r.keys])).toEqual([
      ["web", PIXEL_A, ["w1"]],
      ["offline", offline.id, ["o1", "o2"]],
      ["crm", crm.id, ["c1"]],
    ]);
    expect(requests.map((r) => r.destination)).toEqual([webDestination(PIXEL_A), offline, crm]);
  });

  it("no items, no requests", () => {
    expect(buildRequests([])).toEqual([]);
  });
});
