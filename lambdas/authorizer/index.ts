import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { tenantDirectoryFromEnv } from "../aws/tenant-directory";
import { ENV } from "../contract";
import { parseKeys } from "./api-keys";
import { createAuthorizer } from "./authorize";
import { type HttpApiAuthorizerEvent, type HttpApiAuthorizerResult, httpApiAuthorizer, isHttpApiAuthorizerEvent } from "./either-shape";

// Lambda entry: the request authorizer in front of POST /events, keys from Secrets Manager (cached), tenants'
// keys by hash from the tenant table (cached TENANT_CACHE_SECONDS). It answers the REST API (IAM policy) or
// the HTTP API (payload 2.0, simple response), whichever sent the event.
const logger = new Logger();
const keySecretArn = requiredEnv(ENV.ingestKeySecretArn);

const authorize = createAuthorizer({
  apiKeys: async () => parseKeys(await readSecretString(keySecretArn)),
  tenants: tenantDirectoryFromEnv(process.env),
  log: logger,
});
const authorizeHttpApi = httpApiAuthorizer(authorize);

const either = async (
  event: APIGatewayRequestAuthorizerEvent | HttpApiAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult | HttpApiAuthorizerResult> =>
  isHttpApiAuthorizerEvent(event) ? authorizeHttpApi(event) : authorize(event);

export const handler = middy(either).use(injectLambdaContext(logger));
