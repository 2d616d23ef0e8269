import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { HttpHandler, HttpRequest } from "../core/http";

// API Gateway's event shapes ⇄ the handlers' HttpRequest/HttpResponse (lambdas/core/http.ts): the REST proxy
// integration (the default edge) and an HTTP API's payload format 2.0 (`-c api=http`). One Lambda entry serves
// either: it picks the adapter by the event's shape, so switching the edge needs no new function code.

type LambdaContext = Pick<Context, "getRemainingTimeInMillis">;

export type RestProxyHandler = (event: APIGatewayProxyEvent, context?: LambdaContext) => Promise<APIGatewayProxyResult>;
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context?: LambdaContext) => Promise<APIGatewayProxyStructuredResultV2>;
/** Either API flavour's event in, the matching answer out. */
export type ApiGatewayHandler = (
  event: APIGatewayProxyEvent | APIGatewayProxyEventV2,
  context?: LambdaContext,
) => Promise<APIGatewayProxyResult | APIGatewayProxyStructuredResultV2>;

/** Time kept from the function's timeout to build, log and return the answer once the deadline has passed. */
export const ANSWER_MARGIN_MS = 1000;

/**
 * The request both adapters build: written field by field, not spread from small objects, as every request of every
 * event passes here (a single-event POST /events costs a few microseconds in all).
 */
function httpRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  raw: string | undefined | null,
  base64: boolean | undefined,
  authorizer: unknown,
  parameters: Record<string, string | undefined> | null | undefined,
  context: LambdaContext | undefined,
): HttpRequest {
  // The text too, when the edge sent text: a handler that reads it need not decode the bytes again (HttpRequest.text).
  const text = base64 ? undefined : (raw ?? "");
  const body = text === undefined ? Buffer.from(raw ?? "", "base64") : Buffer.from(text, "utf8");
  const request: HttpRequest = { method, path, headers, body };
  if (text !== undefined) request.text = text;
  // The authorizer's context: the key's id and, for a tenant's key, the tenant's name. REST: the authorizer object
  // itself; HTTP API: under `lambda`.
  type Context = { keyId?: unknown; tenant?: unknown };
  const holder = authorizer as (Context & { lambda?: Context }) | null | undefined;
  const keyId = holder?.keyId ?? holder?.lambda?.keyId;
  const tenant = holder?.tenant ?? holder?.lambda?.tenant;
  if (typeof keyId === "string") request.keyId = keyId;
  if (typeof tenant === "string" && tenant !== "") request.tenant = tenant;
  if (parameters) {
    for (const name in parameters) {
      const value = parameters[name];
      if (typeof value !== "string") continue;
      request.pathParameters ??= {};
      request.pathParameters[name] = value;
    }
  }
  if (typeof context?.getRemainingTimeInMillis === "function") {
    request.deadline = Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
  }
  return request;
}

/**
 * The REST API's proxy event: headers as the client sent their names (merged case-insensitively here, repeats
 * joined by ","), the body as text or base64.
 */
export function fromRestEvent(event: APIGatewayProxyEvent, context?: LambdaContext): HttpRequest {
  const headers: Record<string, string> = {};
  const given = event.headers;
  if (given) {
    for (const name in given) {
      const value = given[name];
      if (value === undefined) continue;
      const key = name.toLowerCase();
      headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
    }
  }
  return httpRequest(
    event.httpMethod,
    event.path,
    headers,
    event.body,
    event.isBase64Encoded,
    event.requestContext?.authorizer,
    event.pathParameters,
    context,
  );
}

/**
 * An HTTP API's payload 2.0: headers arrive lower-cased with repeats already joined by ","; cookies come apart
 * (the relay reads none); the path is `rawPath`, which carries the stage name only for a named stage (the
 * relay's HTTP API serves `$default`, so it is the route's path).
 */
export function fromHttpApiEvent(event: APIGatewayProxyEventV2, context?: LambdaContext): HttpRequest {
  const headers: Record<string, string> = {};
  const given = event.headers;
  if (given) {
    for (const name in given) {
      const value = given[name];
      if (value !== undefined) headers[name.toLowerCase()] = value;
    }
  }
  return httpRequest(
    event.requestContext?.http?.method ?? "",
    event.rawPath,
    headers,
    event.body,
    event.isBase64Encoded,
    (event.requestContext as { authorizer?: unknown } | undefined)?.authorizer,
    event.pathParameters,
    context,
  );
}

/** Payload 2.0 says so in `version`; a REST proxy event has `httpMethod` and no version. */
export function isHttpApiEvent(event: object): event is APIGatewayProxyEventV2 {
  return (event as { version?: unknown }).version === "2.0";
}

/** A handler as the Lambda function behind a REST API route. */
export function restHandler(handler: HttpHandler): RestProxyHandler {
  return async (event, context) => {
    const response = await handler(fromRestEvent(event, context));
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
}

/** A handler behind either flavour: the adapter is picked by the event's shape, per request. */
export function apiGatewayHandler(handler: HttpHandler): ApiGatewayHandler {
  return async (event, context) => {
    const request = isHttpApiEvent(event) ? fromHttpApiEvent(event, context) : fromRestEvent(event, context);
    const response = await handler(request);
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
}
