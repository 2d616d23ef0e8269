import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { tenantDirectoryFromEnv } from "../aws/tenant-directory";
import { ENV } from "../contract";
import { parseKeys } from "./api-keys";
import { createAuthorizer } from "./authorize";

// Lambda entry: the request authorizer in front of POST /events, keys from Secrets Manager (cached),
// tenants' keys by hash from the tenant table (cached TENANT_CACHE_SECONDS).
const logger = new Logger();
const keySecretArn = requiredEnv(ENV.ingestKeySecretArn);

const authorize = createAuthorizer({
  apiKeys: async () => parseKeys(await readSecretString(keySecretArn)),
  tenants: tenantDirectoryFromEnv(process.env),
  log: logger,
});

export const handler = middy(authorize).use(injectLambdaContext(logger));
