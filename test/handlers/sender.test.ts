import { describe, expect, it } from "vitest";
import { prepareEvent } from "../../lambdas/core/prepare";
import { ok } from "../support/fake-tiktok";
import { failures, NOW, PIXEL, receiveBatch, senderFor, queuedEvent as simple, useSenderFixture } from "../support/sender-harness";

// The sender handler over real HTTP to a fake TikTok, fed from the real SQS protocol: the exact bytes TikTok
// receives, how many requests a batch takes, and which messages are reported back as not delivered.

const fixture = useSenderFixture();

const sender = (options: Parameters<typeof senderFor>[2] = {}) => senderFor(fixture.queues, fixture.tiktok, options);

describe("sender handler", () => {
  it("sends a WooCommerce-style purchase to TikTok byte for byte as expected", async () => {
    const prepared = prepareEvent(
      {
        event: "CompletePayment",
        event_id: "wc_order_5123",
        event_time: "2026-01-01T00:00:00Z",
        user: {
          email: " John.Doe@Example.COM ",
          phone: "+1 (650) 555-1234",
          external_id: "1042",
          first_name: " John ",
          last_name: "Doe",
          zip_code: "94043",
          city: "Mountain View",
          state: "CA",
          country: "US",
          ttclid: "E.C.P.abc",
          ttp: "2Qm4eXyz",
          ip: "203.0.113.9",
          user_agent: "Mozilla/5.0",
        },
        page: { url: "https://shop.example/checkout/order-received/5123/" },
        properties: {
          contents: [{ content_id: 501, content_name: "Mug", quantity: 2, price: 25 }],
          content_type: "product",
          currency: "usd",
          value: 62.5,
          order_id: "5123",
        },
      },
      0,
      { nowSeconds: NOW + 100, defaultPhoneCountry: "US", maxEventAgeDays: 7, allowCustomEvents: false },
    );
    if (!prepared.ok || prepared.dropped) throw new Error(JSON.stringify(prepared));
    const response = await sender()(
      await receiveBatch(fixture.queues, [{ pixel_code: PIXEL, test_event_code: "TEST123", event: prepared.event }]),
    );

    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.requests).toHaveLength(1);
    const request = fixture.tiktok.requests[0]!;
    expect(request.headers["access-token"]).toBe("token-1");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.raw).toBe(
      '{"event_source":"web","event_source_id":"C4PIXEL0000000000001","test_event_code":"TEST123","data":[{' +
        '"event":"CompletePayment","event_time":1767225600,"event_id":"wc_order_5123","user":{' +
        '"email":"836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f",' +
        '"phone":"a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0",' +
        '"external_id":"216da54b5931a6d37cca8e29953361fe02c680bbd8b482343f508e32e8e9cc3b",' +
        '"first_name":"96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a",' +
        '"last_name":"799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f",' +
        '"zip_code":"1b10e5e0b47cefad5c4f6c1d10b8b6fbbd5af9756eb01ed5c8ee1f588b65947b",' +
        '"city":"mountain view","state":"ca","country":"us","ttclid":"E.C.P.abc","ttp":"2Qm4eXyz",' +
        '"ip":"203.0.113.9","user_agent":"Mozilla/5.0"},' +
        '"page":{"url":"https://shop.example/checkout/order-received/5123/"},' +
        '"properties":{"contents":[{"content_id":"501","content_name":"Mug","price":25,"quantity":2}],' +
        '"content_type":"product","currency":"USD","value":62.5,"order_id":"5123"}}]}',
    );
  });

  it("sends 1,001 events in two requests (1,000 + 1) and acknowledges all of them", async () => {
    const bodies = Array.from({ length: 1001 }, (_, i) => simple(`e${i}`));
    const response = await sender()(await receiveBatch(fixture.queues, bodies));
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.requests.map((request) => request.body.data.length)).toEqual([1000, 1]);
    const sent = fixture.tiktok.requests.flatMap((request) => request.body.data.map((event) => event.event_id));
    expect(new Set(sent).size).toBe(1001);
  });

  it("sends one request per pixel", async () => {
    const response = await sender()(await receiveBatch(fixture.queues, [simple("a"), simple("b", "OTHERPIXEL0001"), simple("c")]));
    expect(failures(response)).toEqual([]);
    expect(fixture.tiktok.requests.map((request) => [request.body.event_source_id, request.body.data.map((e) => e.event_id)])).toEqual([
      [PIXEL, ["a", "c"]],
      ["OTHERPIXEL0001", ["b"]],
    ]);
  });

  it("reports the messages as failed when TikTok answers HTTP 200 with a retryable non-zero code", async () => {
    fixture.tiktok.respond = () => ({ status: 200, body: { code: 50000, message: "internal error", request_id: "r1" } });
    const batch = await receiveBatch(fixture.queues, [simple("a"), simple("c")]);
    const response = await sender()(batch);
    expect(failures(response)).toEqual(batch.Records.map((record) => record.messageId));
  });

  it("treats 20001 (partial OK) as delivered", async () => {
    fixture.tiktok.respond = () => ({ status: 200, body: { code: 20001, message: "partial", request_id: "r" } });
    expect(failures(await sender()(await receiveBatch(fixture.queues, [simple("a")])))).toEqual([]);
  });

  it.each([
    ["HTTP 503 with an HTML page", { status: 503, body: "<html>Service Unavailable</html>" }],
    ["HTTP 200 with a body that is not JSON", { status: 200, body: "OK" }],
    ["HTTP 200 without a code", { status: 200, body: { message: "OK" } }],
    ["code 0 with HTTP 500", { status: 500, body: { code: 0, message: "OK" } }],
    ["rate limit 40100", { status: 200, body: { code: 40100, message: "Too many requests" } }],
  ])("never acknowledges a message on %s", async (_case, answer) => {
    fixture.tiktok.respond = () => answer;
    const batch = await receiveBatch(fixture.queues, [simple("a"), simple("b")]);
    expect(failures(await sender()(batch))).toEqual(batch.Records.map((record) => record.messageId));
  });

  it("fails the messages when TikTok does not answer in time", async () => {
    fixture.tiktok.respond = () => ({ hang: true });
    const batch = await receiveBatch(fixture.queues, [simple("a")]);
    expect(failures(await sender({ timeoutMs: 200 })(batch))).toEqual([batch.Records[0]!.messageId]);
  });

  it("fails the messages when TikTok cannot be reached", async () => {
    const handler = sender({ apiUrl: "http://127.0.0.1:9/unreachable", timeoutMs: 1000 });
    const batch = await receiveBatch(fixture.queues, [simple("a")]);
    expect(failures(await handler(batch))).toEqual([batch.Records[0]!.messageId]);
  });

  it("re-reads the token once after a token error and delivers with the new one", async () => {
    fixture.tiktok.respond = (request) =>
      request.headers["access-token"] === "rotated" ? ok() : { status: 200, body: { code: 40105, message: "invalid access token" } };
    const handler = sender({ tokens: ["stale", "rotated"] });
    const response = await handler(await receiveBatch(fixture.queues, [simple("a"), simple("b", "OTHERPIXEL0001")]));
    expect(failures(response)).toEqual([]);
    expect(handler.refreshes()).toBe(1);
    expect(fixture.tiktok.requests.map((request) => request.headers["access-token"])).toEqual(["stale", "rotated", "rotated"]);
  });

  it("stops sending after the re-read token is still refused, failing every message", async () => {
    fixture.tiktok.respond = () => ({ status: 200, body: { code: 40105, message: "invalid access token" } });
    const handler = sender({ tokens: ["bad", "still-bad"] });
    const batch = await receiveBatch(fixture.queues, [simple("a"), simple("b", "OTHERPIXEL0001"), simple("c", "THIRDPIXEL0001")]);
    const response = await handler(batch);
    expect(failures(response).sort()).toEqual(batch.Records.map((record) => record.messageId).sort());
    expect(handler.refreshes()).toBe(1);
    // first request + its retry with the re-read token; the other pixels are not attempted
    expect(fixture.tiktok.requests).toHaveLength(2);
  });
});
