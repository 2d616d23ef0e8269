import { createHash } from "node:crypto";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { GATEWAY_MESSAGES } from "../contract";
import type { Log } from "../core/log";
import { keyHash, type TenantDirectory } from "../core/tenant";
import { bearerToken, isValidKey } from "./api-keys";

// The REST API's request authorizer for POST /events: a request without a valid bearer key is refused by
// API Gateway before the ingest function runs (or costs anything beyond this check, cached per key).

/** What a caller reads in the 401 body; the stack's gateway response and the local API say the same. */
export const UNAUTHORIZED_MESSAGE = GATEWAY_MESSAGES.unauthorized;
/** When the keys cannot be read: a 503, so the caller retries rather than doubting its key. */
export const AUTHORIZER_FAILURE_MESSAGE = GATEWAY_MESSAGES.authorizerFailure;

export interface AuthorizerDeps {
  /** The valid bearer keys (several during a rotation). */
  apiKeys: () => Promise<string[]>;
  /** Tenants' keys (by SHA-256): a key found there is the tenant's, and its requests carry the tenant's name. */
  tenants?: Pick<TenantDirectory, "tenantOfKey">;
  log: Log;
}

export type Authorizer = (event: Pick<APIGatewayRequestAuthorizerEvent, "headers" | "methodArn">) => Promise<APIGatewayAuthorizerResult>;

export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  return async (event) => {
    // A failure to read the keys propagates: API Gateway answers 500 (mapped to 503), not 401, so a
    // caller retries instead of believing its key is wrong.
    const keys = await deps.apiKeys();
    const presented = bearerToken(event.headers);
    // The single-shop key first (no table read for it); then the tenants' keys, looked up by hash: a table
    // holds no key, and a lookup by hash reveals nothing a timing could tell.
    const single = isValidKey(presented, keys);
    const tenant = !single && presented && deps.tenants ? await deps.tenants.tenantOfKey(keyHash(presented)) : undefined;
    if (!single && tenant === undefined) {
      deps.log.info("refused", { reason: presented ? "unknown key" : "no bearer key" });
      // The exact message API Gateway turns into a 401 (and does not cache as an Allow).
      throw new Error("Unauthorized");
    }
    return {
      principalId: "ingest-key",
      // The decision is cached per Authorization header: allow the whole stage, not only this method ARN,
      // so the cached answer holds for every route that uses this authorizer.
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: stageWildcard(event.methodArn) }],
      },
      // Which key was used, without the key: a log line can tell an old key from a new one during rotation.
      // The tenant travels to the ingest function in the authorizer's context, never from the caller's input.
      context: tenant === undefined ? { keyId: keyId(presented!) } : { keyId: keyId(presented!), tenant },
    };
  };
}

export function keyId(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/** arn:aws:execute-api:region:account:apiId/stage/METHOD/path → arn:aws:execute-api:region:account:apiId/stage/* */
function stageWildcard(methodArn: string): string {
  const [prefix, stage] = methodArn.split("/");
  return `${prefix}/${stage}/*`;
}
