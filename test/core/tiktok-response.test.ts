import { describe, expect, it } from "vitest";
import { classifyReply, parseReply, type ResponseClass } from "../../lambdas/core/tiktok-response";

describe("classifyReply: TikTok codes (reference table)", () => {
  it.each<[number, ResponseClass]>([
    [0, "delivered"],
    [20001, "partial"],
    [40000, "invalid"],
    [40002, "invalid"],
    [40061, "invalid"],
    [40062, "invalid"],
    [40001, "permission"],
    [40102, "token"],
    [40104, "token"],
    [40105, "token"],
    [40100, "throttled"],
    [40132, "throttled"],
    [61000, "throttled"],
    [50000, "server"],
    [50002, "server"],
    [51000, "server"],
    [51001, "server"],
    [51999, "server"],
    [60001, "server"],
  ])("code %i with HTTP 200 → %s", (code, expected) => {
    expect(classifyReply({ httpStatus: 200, code, message: "m" })).toBe(expected);
  });

  it("an error code with an HTTP 4xx status is classified by its code", () => {
    expect(classifyReply({ httpStatus: 400, code: 40002, message: "m" })).toBe("invalid");
    expect(classifyReply({ httpStatus: 401, code: 40105, message: "m" })).toBe("token");
    expect(classifyReply({ httpStatus: 429, code: 40100, message: "m" })).toBe("throttled");
  });

  it.each([500, 502, 503, 504])("HTTP %i without a code → server", (httpStatus) => {
    expect(classifyReply({ httpStatus, message: "m" })).toBe("server");
  });

  it("code 0 with HTTP 500 is not delivered", () => {
    expect(classifyReply({ httpStatus: 500, code: 0, message: "OK" })).toBe("server");
    expect(classifyReply({ httpStatus: 500, code: 20001, message: "partial" })).toBe("server");
  });

  it("a missing code is never success, even with HTTP 200", () => {
    expect(classifyReply({ httpStatus: 200, message: "OK" })).toBe("server");
  });

  it("a network failure (status 0) is retried", () => {
    expect(classifyReply({ httpStatus: 0, message: "no answer within 10000 ms" })).toBe("server");
  });

  it.each([1, 40003, 41000, 99999, -1])("unknown code %i → server (retried, then dead-lettered)", (code) => {
    expect(classifyReply({ httpStatus: 200, code, message: "m" })).toBe("server");
  });
});

describe("parseReply", () => {
  it("reads a proper body with code, message and request_id", () => {
    const text = JSON.stringify({ code: 0, message: "OK", request_id: "202601010000001234", data: {} });
    expect(parseReply(200, text)).toEqual({ httpStatus: 200, code: 0, message: "OK", requestId: "202601010000001234", data: {} });
  });

  it("reads an error body sent with HTTP 200", () => {
    const text = JSON.stringify({ code: 40002, message: "contents.0.content_id: Not a valid string", request_id: "r1" });
    const reply = parseReply(200, text);
    expect(reply).toEqual({ httpStatus: 200, code: 40002, message: "contents.0.content_id: Not a valid string", requestId: "r1" });
    expect(classifyReply(reply)).toBe("invalid");
  });

  it("an HTML error page is not JSON: no code, the start of the body in the message, retried", () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(500)}</body></html>`;
    const reply = parseReply(502, html);
    expect(reply.code).toBeUndefined();
    expect(reply.httpStatus).toBe(502);
    expect(reply.message).toBe(`HTTP 502, body is not JSON: ${html.slice(0, 120)}`);
    expect(classifyReply(reply)).toBe("server");
  });

  it("an empty or truncated body is not JSON", () => {
    expect(parseReply(200, "")).toEqual({ httpStatus: 200, message: "HTTP 200, body is not JSON: " });
    const truncated = parseReply(200, '{"code":0,"mess');
    expect(truncated.code).toBeUndefined();
    expect(classifyReply(truncated)).toBe("server");
  });

  it("JSON without a code has no code and is not delivered", () => {
    const reply = parseReply(200, '{"message":"something"}');
    expect(reply).toEqual({ httpStatus: 200, code: undefined, message: "something", requestId: undefined });
    expect(classifyReply(reply)).toBe("server");
  });

  it("a code sent as a string is not read as a number", () => {
    const reply = parseReply(200, '{"code":"0","message":"OK"}');
    expect(reply.code).toBeUndefined();
    expect(classifyReply(reply)).toBe("server");
  });

  it.each(['"OK"', "0", "42", "null", "true"])("a JSON %s body is unexpected, has no code and is not delivered", (text) => {
    const reply = parseReply(200, text);
    expect(reply).toEqual({ httpStatus: 200, message: "HTTP 200, unexpected body" });
    expect(classifyReply(reply)).toBe("server");
  });

  it("a body without message falls back to the HTTP status", () => {
    expect(parseReply(503, '{"code":50002}')).toEqual({ httpStatus: 503, code: 50002, message: "HTTP 503", requestId: undefined });
  });
});
