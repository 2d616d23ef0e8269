import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { ledgerClient } from "../lambdas/aws/dynamodb-ledger";
import { type TenantAdmin, tenantAdmin } from "../lambdas/aws/dynamodb-tenants";
import { ENV } from "../lambdas/contract";
import { optional } from "../lambdas/core/config";
import { LOCAL_TENANTS_TABLE, localLedgerOptions } from "../local/dynamo-server";
import { CliError } from "./errors";
import { stackOutputs } from "./stack-outputs";
import type { TenantArgs } from "./tenant-args";

// Where `npm run tenants` finds the tenant table: a deployed stack's output, npm start's server, or a name.

/** The stack output naming the tenant table (lib/relay-stack.ts). */
export const TENANTS_TABLE_OUTPUT = "TenantsTableName";

export async function openTenantTable(
  target: TenantArgs["target"],
  env: Record<string, string | undefined>,
  cloudFormation: () => CloudFormationClient,
): Promise<{ admin: TenantAdmin; close: () => void }> {
  if (target.local) {
    const endpoint = optional(env, ENV.dynamodbEndpoint) ?? `http://127.0.0.1:${localLedgerOptions(env).port}`;
    const client = ledgerClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    return { admin: tenantAdmin(client, LOCAL_TENANTS_TABLE), close: () => client.destroy() };
  }
  const table = target.table ?? (await stackOutputs(target.stack!, cloudFormation())).get(TENANTS_TABLE_OUTPUT);
  if (!table) throw new CliError(`stack "${target.stack}" has no ${TENANTS_TABLE_OUTPUT} output: deploy this version of the relay first`);
  const client = ledgerClient({});
  return { admin: tenantAdmin(client, table), close: () => client.destroy() };
}
