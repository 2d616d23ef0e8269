import type { IncomingMessage, ServerResponse } from "node:http";
import { hasLoopbackHost } from "./loopback";

// In front of the embedded SQS server (local-aws-sqs answers any request, including the query protocol's
// form posts): only what the AWS SDK sends gets through. A browser can send a cross-origin POST with a
// text/plain or form body and no custom header without asking first; it cannot send the JSON protocol's
// content type or an Authorization header without a CORS preflight, which this guard refuses. So a web page
// the user visits cannot send, receive or purge the relay's queues.

/** The content type of SQS's AWS JSON 1.0 protocol, which the SDK uses. */
export const SQS_JSON_CONTENT_TYPE = "application/x-amz-json-1.0";

/** Why a request is refused, or undefined when it looks like the AWS SDK's. */
export function sqsRequestRefusal(request: IncomingMessage): string | undefined {
  if (!hasLoopbackHost(request.headers)) return "the Host header must name this machine (127.0.0.1 or localhost)";
  if (request.method !== "POST") return "only POST requests of the AWS SDK are served";
  const contentType = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== SQS_JSON_CONTENT_TYPE) return `the content type must be ${SQS_JSON_CONTENT_TYPE} (the AWS SDK's JSON protocol)`;
  // Not verified (any credentials will do locally), but no browser can attach one without a preflight.
  if (!/^AWS4-HMAC-SHA256 Credential=\S+/.test(request.headers.authorization ?? "")) {
    return "the request must be signed (Authorization: AWS4-HMAC-SHA256 ...), as the AWS SDK does";
  }
  return undefined;
}

/** Answers a refused request as SQS answers an error in the JSON protocol. */
export function refuseSqsRequest(response: ServerResponse, reason: string): void {
  response.writeHead(403, { "Content-Type": SQS_JSON_CONTENT_TYPE, "x-amzn-query-error": "AccessDenied;Sender" });
  response.end(JSON.stringify({ __type: "com.amazonaws.sqs#AccessDenied", message: `refused by the local SQS server: ${reason}` }));
}
