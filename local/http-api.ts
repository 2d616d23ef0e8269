import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { AUTHORIZER_FAILURE_MESSAGE, type Authorizer, UNAUTHORIZED_MESSAGE } from "../lambdas/authorizer/authorize";
import { httpApiAuthorizer } from "../lambdas/authorizer/either-shape";
import { API_FLAVOURS, type ApiFlavour, DEFAULTS, ENV, LAMBDA_INVOKE_PAYLOAD_BYTES } from "../lambdas/contract";
import { hasLoopbackHost } from "./loopback";

// Plays API Gateway on loopback: each request becomes the event the ingest Lambda receives in AWS (a REST
// proxy event, or an HTTP API's payload 2.0 with API_FLAVOUR=http), and the handler's result the response.

export type ProxyHandler = (
  event: APIGatewayProxyEvent | APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyResult | APIGatewayProxyStructuredResultV2>;

export interface Route {
  handler: ProxyHandler;
  /** Runs first, like the API's request authorizer: a refusal never reaches the handler. */
  authorizer?: Authorizer;
}

/** API Gateway refuses payloads over 10 MB before the function runs; so does this server. */
const API_GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

/** API_FLAVOUR: which event shape the handlers get, as behind the stack's `-c api=rest|http`. */
export function readApiFlavour(env: Record<string, string | undefined>): ApiFlavour {
  const value = env[ENV.apiFlavour]?.trim().toLowerCase() || DEFAULTS.apiFlavour;
  if (!(API_FLAVOURS as readonly string[]).includes(value)) {
    throw new Error(`${ENV.apiFlavour}=${env[ENV.apiFlavour]} is not an API flavour: use ${API_FLAVOURS.join(" or ")}`);
  }
  return value as ApiFlavour;
}

export interface LocalApi {
  url: string;
  close(): Promise<void>;
}

export async function startLocalApi(port: number, routes: Record<string, Route>, flavour: ApiFlavour = "rest"): Promise<LocalApi> {
  const server: Server = createServer((request, response) => {
    handle(request, response, routes, flavour).catch((error: unknown) => {
      send(response, 500, { error: `local API failed: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, routes: Record<string, Route>, flavour: ApiFlavour) {
  // A page in the user's browser reaching this server by DNS rebinding would send its own host name: with
  // the public default key (local-dev-key) it could otherwise post events that the relay sends to TikTok.
  if (!hasLoopbackHost(request.headers)) {
    return send(response, 403, {
      error: "the Host header must name this machine (127.0.0.1 or localhost): the local relay serves no other host",
    });
  }
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const matched = matchRoute(routes, request.method ?? "GET", path);
  const route = matched?.route;
  if (!route) {
    const allowed = Object.keys(routes).filter((key) => key.endsWith(` ${path}`));
    return allowed.length > 0
      ? send(response, 405, { error: `use ${allowed.map((key) => key.split(" ")[0]).join(", ")} on ${path}` })
      : send(response, 404, { error: `no route ${request.method} ${path}; routes: ${Object.keys(routes).join(", ")}` });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > API_GATEWAY_MAX_BYTES) return send(response, 413, { message: "Request Too Long" }, true);
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : value]),
  );
  // Raw bytes travel base64-encoded, as API Gateway does for binary payloads, so that a body that is not
  // UTF-8 reaches the handler exactly as sent.
  const method = request.method ?? "GET";
  let event: APIGatewayProxyEvent | APIGatewayProxyEventV2;
  if (flavour === "http") {
    event = httpApiEvent(method, path, headers, body.toString("base64"), true);
    if (matched && Object.keys(matched.pathParameters).length > 0) event.pathParameters = matched.pathParameters;
    if (route.authorizer) {
      const decision = await authorizeHttpApi(route.authorizer, event);
      if ("status" in decision) return send(response, decision.status, { message: decision.message });
      (event.requestContext as { authorizer?: unknown }).authorizer = { lambda: decision.context };
    }
  } else {
    event = proxyEvent(method, path, headers, body.toString("base64"), true);
    if (matched && Object.keys(matched.pathParameters).length > 0) event.pathParameters = matched.pathParameters;
    if (route.authorizer) {
      const decision = await authorize(route.authorizer, event);
      if ("status" in decision) return send(response, decision.status, { error: decision.error });
      event.requestContext = { authorizer: decision.context } as unknown as APIGatewayProxyEvent["requestContext"];
    }
  }
  // In AWS the body travels JSON-escaped inside the event, and Lambda refuses an event over its payload limit:
  // API Gateway then answers 413 (after the authorizer, before the function). Escaping grows a body at most
  // sixfold (a raw control character becomes \u00XX): only a body over a sixth of the limit needs measuring.
  const tooLargeForLambda =
    body.length > LAMBDA_INVOKE_PAYLOAD_BYTES / 6 &&
    awsEventBytes(request.method ?? "POST", path, headers, body) > LAMBDA_INVOKE_PAYLOAD_BYTES;
  if (tooLargeForLambda) return send(response, 413, { message: "Request Too Long" }, true);
  const result = await route.handler(event);
  response.writeHead(result.statusCode ?? 200, { "Content-Type": "application/json", ...(result.headers as Record<string, string>) });
  response.end(result.body);
}

/**
 * The route for a request: an exact path, else a pattern such as "/woocommerce/{tenant}" (one path segment
 * per parameter, as API Gateway matches a {name} resource), with the parameters' values.
 */
function matchRoute(
  routes: Record<string, Route>,
  method: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  const exact = routes[`${method} ${path}`];
  if (exact) return { route: exact, pathParameters: {} };
  const segments = path.split("/");
  for (const [key, route] of Object.entries(routes)) {
    const [routeMethod, pattern = ""] = key.split(" ");
    if (routeMethod !== method || !pattern.includes("{")) continue;
    const parts = pattern.split("/");
    if (parts.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part === segments[i];
      if (!segments[i]) return false;
      pathParameters[name] = decodeURIComponent(segments[i]!);
      return true;
    });
    if (matches) return { route, pathParameters };
  }
  return undefined;
}

/** API Gateway's behaviour around a request authorizer, including the stack's gateway responses. */
async function authorize(
  authorizer: Authorizer,
  event: APIGatewayProxyEvent,
): Promise<{ context: unknown } | { status: number; error: string }> {
  // The identity source is the Authorization header: without it API Gateway answers 401 by itself.
  if (!Object.keys(event.headers).some((name) => name.toLowerCase() === "authorization"))
    return { status: 401, error: UNAUTHORIZED_MESSAGE };
  try {
    const result = await authorizer({
      headers: event.headers,
      methodArn: `arn:aws:execute-api:local:000000000000:local/local/${event.httpMethod}${event.path}`,
    });
    return { context: result.context ?? {} };
  } catch (error) {
    if (error instanceof Error && error.message === "Unauthorized") return { status: 401, error: UNAUTHORIZED_MESSAGE };
    return { status: 503, error: AUTHORIZER_FAILURE_MESSAGE };
  }
}

/**
 * An HTTP API's behaviour around a Lambda authorizer with simple responses. It has no gateway responses to
 * customise: its own bodies are `{"message": ...}`, a missing identity source is 401, a refusal 403 and a
 * failing authorizer 500.
 */
async function authorizeHttpApi(
  authorizer: Authorizer,
  event: APIGatewayProxyEventV2,
): Promise<{ context: unknown } | { status: number; message: string }> {
  if (!event.headers.authorization) return { status: 401, message: "Unauthorized" };
  try {
    const result = await httpApiAuthorizer(authorizer)({
      version: "2.0",
      headers: event.headers,
      routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${event.requestContext.http.method}${event.rawPath}`,
    });
    return result.isAuthorized ? { context: result.context } : { status: 403, message: "Forbidden" };
  } catch {
    return { status: 500, message: "Internal Server Error" };
  }
}

/** The size of the event API Gateway would build for this request: a text body, JSON-escaped. */
function awsEventBytes(method: string, path: string, headers: Record<string, string | undefined>, body: Buffer): number {
  return Buffer.byteLength(
    JSON.stringify({ ...proxyEvent(method, path, headers, body.toString("utf8"), false), multiValueHeaders: headers }),
  );
}

/** The event API Gateway's REST proxy integration hands the function for one request. */
export function proxyEvent(
  method: string,
  path: string,
  headers: Record<string, string | undefined>,
  body: string,
  isBase64Encoded: boolean,
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded,
    requestContext: {} as APIGatewayProxyEvent["requestContext"],
  };
}

/** The event an HTTP API hands the function for one request (payload format 2.0, `$default` stage). */
export function httpApiEvent(
  method: string,
  path: string,
  headers: Record<string, string | undefined>,
  body: string,
  isBase64Encoded: boolean,
): APIGatewayProxyEventV2 {
  // HTTP APIs lower-case header names and join repeated headers with ",".
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    lower[key] = lower[key] === undefined ? value : `${lower[key]},${value}`;
  }
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: lower,
    body,
    isBase64Encoded,
    requestContext: {
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: lower["user-agent"] ?? "" },
      stage: "$default",
      routeKey: `${method} ${path}`,
    } as APIGatewayProxyEventV2["requestContext"],
  } as APIGatewayProxyEventV2;
}

function send(response: ServerResponse, status: number, body: unknown, close = false) {
  response.writeHead(status, { "Content-Type": "application/json", ...(close ? { Connection: "close" } : {}) });
  response.end(JSON.stringify(body));
}
