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

function deadlineOf(context?: LambdaContext): Pick<HttpRequest, "deadline"> {
  return typeof context?.getRemainingTimeInMillis === "function"
    ? { deadline: Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS }
    : {};
}

/** What the authorizer put in its context: the key's id and, for a tenant's key, the tenant's name. */
function authorizerContextOf(authorizer: unknown): Pick<HttpRequest, "keyId" | "tenant"> {
  // REST: the authorizer's context is the authorizer object itself; HTTP API: under `lambda`.
  type Context = { keyId?: unknown; tenant?: unknown };
  const holder = authorizer as (Context & { lambda?: Context }) | null | undefined;
  const keyId = holder?.keyId ?? holder?.lambda?.keyId;
  const tenant = holder?.tenant ?? holder?.lambda?.tenant;
  return {
    ...(typeof keyId === "string" ? { keyId } : {}),
    ...(typeof tenant === "string" && tenant !== "" ? { tenant } : {}),
  };
}

function pathParametersOf(parameters: Record<string, string | undefined> | null | undefined): Pick<HttpRequest, "pathParameters"> {
  const defined = Object.entries(parameters ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  return defined.length > 0 ? { pathParameters: Object.fromEntries(defined) } : {};
}

function body(raw: string | undefined | null, base64: boolean | undefined): Pick<HttpRequest, "body" | "text"> {
  if (base64) return { body: Buffer.from(raw ?? "", "base64") };
  // The text too: a handler that reads text need not decode the bytes again (HttpRequest.text).
  const text = raw ?? "";
  return { body: Buffer.from(text, "utf8"), text };
}

export function fromRestEvent(event: APIGatewayProxyEvent, context?: LambdaContext): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  return {
    method: event.httpMethod,
    path: event.path,
    headers,
    ...body(event.body, event.isBase64Encoded),
    ...authorizerContextOf(event.requestContext?.authorizer),
    ...pathParametersOf(event.pathParameters),
    ...deadlineOf(context),
  };
}

/**
 * An HTTP API's payload 2.0: headers arrive lower-cased with repeats already joined by ","; cookies come apart
 * (the relay reads none); the path is `rawPath`, which carries the stage name only for a named stage (the
 * relay's HTTP API serves `$default`, so it is the route's path).
 */
export function fromHttpApiEvent(event: APIGatewayProxyEventV2, context?: LambdaContext): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return {
    method: event.requestContext?.http?.method ?? "",
    path: event.rawPath,
    headers,
    ...body(event.body, event.isBase64Encoded),
    ...authorizerContextOf((event.requestContext as { authorizer?: unknown } | undefined)?.authorizer),
    ...pathParametersOf(event.pathParameters),
    ...deadlineOf(context),
  };
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
