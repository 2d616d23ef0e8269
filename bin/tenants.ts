import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CliError, guarded } from "../cli/errors";
import { parseTenantArgs, TENANTS_USAGE } from "../cli/tenant-args";
import { openTenantTable } from "../cli/tenant-table";
import { runTenants } from "../cli/tenants";

// `npm run tenants -- <command> ...`: the shops an agency relay serves, managed without a deploy.

async function stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await guarded(async () => {
  const args = parseTenantArgs(process.argv.slice(2));
  if (args.command === "help") {
    console.log(TENANTS_USAGE);
    return 0;
  }
  const table = await openTenantTable(args.target, process.env, () => new CloudFormationClient({}));
  try {
    return await runTenants(args, { admin: table.admin, print: console.log, readToken: stdin });
  } catch (error) {
    if (args.target.local && /ECONNREFUSED/.test(String((error as Error)?.message ?? error) + String((error as { code?: string })?.code)))
      throw new CliError("cannot reach npm start's DynamoDB server: is npm start running (DYNAMODB_PORT / DYNAMODB_ENDPOINT)?");
    throw error;
  } finally {
    table.close();
  }
}, console.error);
