// TikTok answers errors with HTTP 200 and a non-zero `code` as often as with an HTTP error, so the body
// decides. Anything we cannot read as success is not success: an undelivered event must never be
// acknowledged.

export type ResponseClass =
  | "delivered" // 0
  | "partial" // 20001: some events of the request were not accepted
  | "invalid" // a bad row fails the whole request: 40000, 40002, 40061, 40062
  | "permission" // 40001: not retryable until the pixel's access is fixed
  | "token" // 40102, 40104, 40105: re-read the secret once
  | "throttled" // 40100, 40132, 61000: retry with backoff
  | "server"; // 5xxxx, 60001, HTTP 5xx, timeouts, unreadable bodies: retry with backoff

export interface TikTokReply {
  /** 0 when no HTTP response arrived (see `transportError`). */
  httpStatus: number;
  code?: number;
  message: string;
  requestId?: string;
  transportError?: "timeout" | "network";
  /** The body's `data`, as TikTok sent it: where a partial answer may name the events it refused. */
  data?: unknown;
}

/** The short code a failed reply is counted and dead-lettered under: "40002", "http_503", "timeout"... */
export function replyReason(reply: TikTokReply): string {
  if (reply.transportError) return reply.transportError;
  if (reply.code !== undefined && reply.code !== 0) return String(reply.code);
  return `http_${reply.httpStatus}`;
}

const BY_CODE: Record<number, ResponseClass> = {
  0: "delivered",
  20001: "partial",
  40000: "invalid",
  40002: "invalid",
  40061: "invalid",
  40062: "invalid",
  40001: "permission",
  40102: "token",
  40104: "token",
  40105: "token",
  40100: "throttled",
  40132: "throttled",
  61000: "throttled",
  50000: "server",
  50002: "server",
  60001: "server",
};

export function classifyReply(reply: TikTokReply): ResponseClass {
  if (reply.code === undefined) return "server";
  const known = BY_CODE[reply.code];
  if (known === "delivered" || known === "partial") return reply.httpStatus >= 200 && reply.httpStatus < 300 ? known : "server";
  if (known) return known;
  if (reply.code >= 51000 && reply.code < 52000) return "server";
  // An unknown code is retried: if it persists, the message reaches the DLQ with the code, and nothing is lost.
  return "server";
}

/** Reads TikTok's JSON body defensively: HTML error pages and truncated bodies happen at the edge. */
export function parseReply(httpStatus: number, text: string): TikTokReply {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { httpStatus, message: `HTTP ${httpStatus}, body is not JSON: ${text.slice(0, 120)}` };
  }
  if (typeof body !== "object" || body === null) return { httpStatus, message: `HTTP ${httpStatus}, unexpected body` };
  const record = body as Record<string, unknown>;
  return {
    httpStatus,
    code: typeof record.code === "number" ? record.code : undefined,
    message: typeof record.message === "string" ? record.message : `HTTP ${httpStatus}`,
    requestId: typeof record.request_id === "string" ? record.request_id : undefined,
    ...(record.data !== undefined ? { data: record.data } : {}),
  };
}
