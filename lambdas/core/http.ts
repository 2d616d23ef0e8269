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
