import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from "aws-lambda";
import type { Authorizer } from "./authorize";

// The same key check behind either API flavour. The REST API's request authorizer answers with an IAM policy
// (and "Unauthorized" thrown for a 401); an HTTP API's authorizer with payload 2.0 and simple responses
// answers { isAuthorized, context }. Kept apart from authorize.ts so the decision lives in one place and
// only its wording to API Gateway differs.

export type HttpApiAuthorizerEvent = Pick<APIGatewayRequestAuthorizerEventV2, "version" | "headers" | "routeArn">;
export type HttpApiAuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<{ keyId?: string }>;

/** Payload 2.0 says so in `version`; the REST API's request authorizer event has `methodArn` and no version. */
export function isHttpApiAuthorizerEvent(event: object): event is HttpApiAuthorizerEvent {
  return (event as { version?: unknown }).version === "2.0";
}

/**
 * The REST decision re-worded for an HTTP API: a refusal is `isAuthorized: false` (the HTTP API answers 403;
 * it cannot be mapped to 401 as the REST API's gateway response does), an allow carries the same `keyId`.
 * A failure to read the keys still throws: the HTTP API answers 500 and the caller retries.
 */
export function httpApiAuthorizer(authorize: Authorizer): (event: HttpApiAuthorizerEvent) => Promise<HttpApiAuthorizerResult> {
  return async (event) => {
    try {
      const decision = await authorize({ headers: event.headers ?? {}, methodArn: event.routeArn });
      const keyId = decision.context?.keyId;
      return { isAuthorized: true, context: typeof keyId === "string" ? { keyId } : {} };
    } catch (error) {
      if (error instanceof Error && error.message === "Unauthorized") return { isAuthorized: false, context: {} };
      throw error;
    }
  };
}
