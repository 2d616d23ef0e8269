import { ENV, INTEGER_SETTINGS } from "../contract";
import { optional, setting } from "../core/config";
import type { TenantDirectory } from "../core/tenant";
import { cachedTenantDirectory } from "../core/tenant-cache";
import { ledgerClient } from "./dynamodb-ledger";
import { dynamoDbTenants } from "./dynamodb-tenants";

/** The tenant table a Lambda entry reads (TENANTS_TABLE_NAME), cached TENANT_CACHE_SECONDS; none without it. */
export function tenantDirectoryFromEnv(env: Record<string, string | undefined>): TenantDirectory | undefined {
  const table = optional(env, ENV.tenantsTable);
  if (table === undefined) return undefined;
  return cachedTenantDirectory(dynamoDbTenants(ledgerClient({}), table), setting(env, INTEGER_SETTINGS.tenantCacheSeconds) * 1000);
}
