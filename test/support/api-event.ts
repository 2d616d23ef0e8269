import type { APIGatewayProxyEvent } from "aws-lambda";
import { proxyEvent } from "../../local/http-api";

/** The event API Gateway's REST proxy integration gives the ingest function for POST /events. */
export function apiEvent(body: unknown, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return proxyEvent("POST", "/events", headers, typeof body === "string" ? body : JSON.stringify(body), false);
}
