import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHttpApiEvent, fromRestEvent } from "../../lambdas/aws/api-gateway";
import { bodyText } from "../../lambdas/core/http";
import { proxyEvent } from "../../local/http-api";

// Handlers read a text body through bodyText, which takes the edge's text as it came instead of decoding the
// bytes again: it must read exactly what decoding the bytes read, lone surrogates and invalid UTF-8 included.

/** The reading before: the bytes, decoded when they are UTF-8. */
const decoded = (body: Buffer) => (body.equals(Buffer.from(body.toString("utf8"), "utf8")) ? body.toString("utf8") : undefined);

describe("bodyText", () => {
  it("reads a text body as its UTF-8 bytes decode, for any text (lone surrogates become U+FFFD)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const request = fromRestEvent(proxyEvent("POST", "/events", {}, text, false));
        expect(request.text).toBe(text);
        expect(bodyText(request)).toBe(request.body.toString("utf8"));
      }),
      { numRuns: 2000, seed: 20261203 },
    );
    expect(bodyText(fromRestEvent(proxyEvent("POST", "/events", {}, '{"a":"\ud800"}', false)))).toBe('{"a":"\ufffd"}');
  });

  it("decodes a base64 body, and refuses one that is not UTF-8", () => {
    const utf8 = Buffer.from('{"name":"Zoë 😀"}', "utf8");
    const base64 = fromRestEvent(proxyEvent("POST", "/events", {}, utf8.toString("base64"), true));
    expect(base64.text).toBeUndefined();
    expect(bodyText(base64)).toBe('{"name":"Zoë 😀"}');
    const latin1 = Buffer.from([0x7b, 0xe9, 0x7d]);
    expect(decoded(latin1)).toBeUndefined();
    expect(bodyText(fromRestEvent(proxyEvent("POST", "/events", {}, latin1.toString("base64"), true)))).toBeUndefined();
  });

  it("an HTTP API's text body too", () => {
    const request = fromHttpApiEvent({
      version: "2.0",
      routeKey: "POST /events",
      rawPath: "/events",
      rawQueryString: "",
      headers: {},
      isBase64Encoded: false,
      body: '{"event":"Lead"}',
      requestContext: { http: { method: "POST" } },
    } as unknown as Parameters<typeof fromHttpApiEvent>[0]);
    expect(bodyText(request)).toBe('{"event":"Lead"}');
  });
});
