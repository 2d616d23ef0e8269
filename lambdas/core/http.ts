import { isUtf8 } from "node:buffer";

// A request as the handlers see it, whichever API flavour delivered it. Each flavour (API Gateway's REST
// proxy event today, an HTTP API's payload 2.0 next) is one adapter in lambdas/aws/api-gateway.ts; the local
// server builds the same events the real API does and goes through the same adapter.

export interface HttpRequest {
  method: string;
  path: string;
  /** Header names lower-cased; repeated headers joined with ",". */
  headers: Record<string, string>;
  /** The body's raw bytes, exactly as the caller sent them (signatures are checked on these). */
  body: Buffer;
  /**
   * The body as the edge delivered it, when that was text (not base64): what a handler that reads text uses
   * instead of decoding `body` again, which cost as much as parsing a large body. Not always UTF-8's reading of
   * `body`: text with lone surrogates became U+FFFD in it (bodyText says which to use).
   */
  text?: string;
  /** Set by the API's authorizer: a short id of the key the caller used, never the key. */
  keyId?: string;
  /** Set by the API's authorizer: the tenant the caller's key belongs to (unset for the single-shop key). */
  tenant?: string;
  /** The route's path parameters, e.g. { tenant: "shop-a" } for POST /woocommerce/{tenant}. */
  pathParameters?: Record<string, string>;
  /**
   * When the answer must be on its way (epoch ms): the function's timeout less time to answer. Work that is
   * not done by then is reported to the caller as not done, instead of the platform cutting the function off.
   */
  deadline?: number;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>;

/** A JSON answer. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/**
 * The body as UTF-8 text, or undefined when it is not UTF-8. The edge's own text when it reads the same (well-formed
 * text is what its UTF-8 bytes decode to), so a large body is not decoded a second time.
 */
export function bodyText(request: Pick<HttpRequest, "body" | "text">): string | undefined {
  const text = request.text as (string & { isWellFormed(): boolean }) | undefined;
  if (text?.isWellFormed()) return text;
  // isUtf8 (simdutf) then toString is several times faster than a fatal TextDecoder on a 1 MB body.
  return isUtf8(request.body) ? request.body.toString("utf8") : undefined;
}
