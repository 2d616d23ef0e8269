import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { HttpHandler, HttpRequest } from "../core/http";

// API Gateway's REST proxy integration ⇄ the handlers' HttpRequest/HttpResponse (lambdas/core/http.ts).

export type RestProxyHandler = (
  event: APIGatewayProxyEvent,
  context?: Pick<Context, "getRemainingTimeInMillis">,
) => Promise<APIGatewayProxyResult>;

/** Time kept from the function's timeout to build, log and return the answer once the deadline has passed. */
export const ANSWER_MARGIN_MS = 1000;

export function fromRestEvent(event: APIGatewayProxyEvent, context?: Pick<Context, "getRemainingTimeInMillis">): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  const raw = event.body ?? "";
  const { keyId, tenant } = (event.requestContext?.authorizer ?? {}) as { keyId?: unknown; tenant?: unknown };
  const pathParameters = Object.fromEntries(
    Object.entries(event.pathParameters ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  return {
    method: event.httpMethod,
    path: event.path,
    headers,
    body: event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8"),
    ...(typeof keyId === "string" ? { keyId } : {}),
    ...(typeof tenant === "string" && tenant !== "" ? { tenant } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(typeof context?.getRemainingTimeInMillis === "function"
      ? { deadline: Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS }
      : {}),
  };
}

/** A handler as the Lambda function behind a REST API route. */
export function restHandler(handler: HttpHandler): RestProxyHandler {
  return async (event, context) => {
    const response = await handler(fromRestEvent(event, context));
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
}
