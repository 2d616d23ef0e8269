import type { APIGatewayProxyEvent } from "aws-lambda";

/** The event API Gateway's REST proxy integration gives the ingest function. */
export function apiEvent(body: unknown, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: "POST",
    path: "/events",
    resource: "/events",
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: typeof body === "string" ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent["requestContext"],
  };
}
