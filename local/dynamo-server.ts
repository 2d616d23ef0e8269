import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { ledgerClient } from "../lambdas/aws/dynamodb-ledger";
import { LEDGER_PARTITION_KEY, LEDGER_SORT_KEY, LOCAL_INTEGER_SETTINGS, TENANT_PARTITION_KEY } from "../lambdas/contract";
import { setting } from "../lambdas/core/config";

// The embedded DynamoDB-protocol server (dynalite, in memory) holding the delivery ledger for `npm start`,
// reachable with the real DynamoDB client; or, like SQS_ENDPOINT for the queues, the ledger table on a
// server that outlives this process (DYNAMODB_ENDPOINT).
//
// No UpdateTimeToLive here: dynalite answers it with UnknownOperationException, and no local server deletes
// expired items anyway. The adapter ignores expired items itself; TTL only saves storage, in AWS, where the
// stack enables it on the table.

export const LOCAL_LEDGER_TABLE = "tiktok-relay-ledger";
/** The tenant table of `npm start`, on the same server: `npm run tenants -- ... --local` writes it. */
export const LOCAL_TENANTS_TABLE = "tiktok-relay-tenants";
export const DEFAULT_DYNAMODB_PORT = LOCAL_INTEGER_SETTINGS.dynamodbPort.default;

const REGION = "us-east-1";
/** How long connectLedger waits for a table another server is still creating. */
const TABLE_ACTIVE_TIMEOUT_MS = 10_000;

export interface LocalLedger {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  tenantsTableName: string;
  close(): Promise<void>;
}

export interface LocalLedgerOptions {
  /** 0: any free port. */
  port: number;
}

/** The local ledger's settings from the environment: DYNAMODB_PORT, default 8000. */
export function localLedgerOptions(env: Record<string, string | undefined>): LocalLedgerOptions {
  return { port: setting(env, LOCAL_INTEGER_SETTINGS.dynamodbPort) };
}

/** dynalite on 127.0.0.1, in memory: the ledger lives (and dies) with this process. */
export async function startLocalLedger(options: LocalLedgerOptions): Promise<LocalLedger> {
  // Loaded here, not at the top: connecting to an external server (or `npm run trace -- --local`) needs none
  // of dynalite and its LevelDB stack.
  const { default: dynalite } = await import("dynalite");
  // Tables become ACTIVE at once instead of after dynalite's default 500 ms.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // dynalite closes its store when the server closes; a request still being answered then throws "Database
  // is closed" from deep inside it, uncaught. So close() waits (briefly) until no request is in progress.
  let active = 0;
  server.on("request", (_request, response) => {
    active++;
    response.once("close", () => active--);
  });
  const close = async () => {
    const deadline = Date.now() + 2000;
    while (active > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise<void>((resolve, reject) => {
      // The client's keep-alive sockets would hold close() open (and the process alive) until they time out.
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  };
  let ledger: LocalLedger;
  try {
    ledger = await connectLedger(`http://127.0.0.1:${port}`);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    ...ledger,
    close: async () => {
      await ledger.close();
      await close();
    },
  };
}

/**
 * The ledger table on a DynamoDB-protocol server that outlives this process (DYNAMODB_ENDPOINT): created if
 * missing (on demand), used as it is if it exists, so a restarted pipeline remembers what it delivered.
 */
export async function connectLedger(endpoint: string): Promise<LocalLedger> {
  // No AWS account, no credentials of the user's involved; the ledger's own short timeouts.
  const client = ledgerClient({ endpoint, region: REGION, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    await ensureTable(client, LOCAL_LEDGER_TABLE, endpoint, [LEDGER_PARTITION_KEY, LEDGER_SORT_KEY]);
    await ensureTable(client, LOCAL_TENANTS_TABLE, endpoint, [TENANT_PARTITION_KEY]);
  } catch (error) {
    client.destroy();
    throw error;
  }
  return { endpoint, client, tableName: LOCAL_LEDGER_TABLE, tenantsTableName: LOCAL_TENANTS_TABLE, close: async () => client.destroy() };
}

/** Creates the table if missing: keys are [partition] or [partition, sort], all strings. */
export async function ensureTable(client: DynamoDBClient, tableName: string, endpoint: string, keys: string[]): Promise<void> {
  const status = async () => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  };
  if ((await status()) === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: "S" as const })),
          KeySchema: keys.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? ("HASH" as const) : ("RANGE" as const) })),
        }),
      );
    } catch (error) {
      // Another process created it in the meantime: use theirs.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  // The SDK's waiter polls every 20 s at first; a local server is ready in milliseconds.
  const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
  for (let current = await status(); current !== "ACTIVE"; current = await status()) {
    if (Date.now() > deadline)
      throw new Error(
        `table ${tableName} at ${endpoint} is ${current ?? "missing"}, not ACTIVE, after ${TABLE_ACTIVE_TIMEOUT_MS / 1000} s`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
