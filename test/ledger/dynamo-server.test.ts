import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { DescribeTableCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { describe, expect, it } from "vitest";
import { dynamoDbLedger } from "../../lambdas/aws/dynamodb-ledger";
import { connectLedger, LOCAL_LEDGER_TABLE, LOCAL_TENANTS_TABLE, localLedgerOptions, startLocalLedger } from "../../local/dynamo-server";

// The embedded DynamoDB server of `npm start` and the connection to one that outlives the process
// (DYNAMODB_ENDPOINT): the table is there and on demand, a second process finds what the first recorded,
// and close() gives the port back and lets the process end.

const KEY = { destination: "web:C4PIXEL0000000000001", event: "Purchase", eventId: "ord-1" };

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe("local ledger server", () => {
  it("serves the ledger table (on demand, event_id + target) on loopback, and frees its port on close", async () => {
    const local = await startLocalLedger({ port: 0 });
    const port = Number(new URL(local.endpoint).port);
    expect(local.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { Table } = await local.client.send(new DescribeTableCommand({ TableName: LOCAL_LEDGER_TABLE }));
    expect(Table).toMatchObject({
      TableStatus: "ACTIVE",
      BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
      KeySchema: [
        { AttributeName: "event_id", KeyType: "HASH" },
        { AttributeName: "target", KeyType: "RANGE" },
      ],
    });
    // Used with keep-alive connections open, which must not hold close() up.
    expect(
      await dynamoDbLedger(local.client, local.tableName, { retentionDays: 30 }).record([
        { key: KEY, deliveredAt: 1_800_000_000, attempts: 1 },
      ]),
    ).toEqual([]);

    await local.close();
    expect(await portIsFree(port)).toBe(true);
  });

  it("connectLedger uses the table a longer-lived server already holds, with its records, and leaves the server running", async () => {
    const server = await startLocalLedger({ port: 0 });
    try {
      const ledger = (l: { client: typeof server.client; tableName: string }) =>
        dynamoDbLedger(l.client, l.tableName, { retentionDays: 30, now: () => 1_800_000_000 });
      await ledger(server).record([{ key: KEY, deliveredAt: 1_800_000_000, attempts: 1, requestId: "req-1" }]);

      const first = await connectLedger(server.endpoint);
      expect((await ledger(first).lookup([KEY])).size).toBe(1);
      await first.close();

      const second = await connectLedger(server.endpoint);
      expect(await ledger(second).findByEventId("ord-1")).toEqual([
        { key: KEY, deliveredAt: 1_800_000_000, attempts: 1, requestId: "req-1" },
      ]);
      await second.close();
      expect((await server.client.send(new ListTablesCommand({}))).TableNames).toEqual([LOCAL_LEDGER_TABLE, LOCAL_TENANTS_TABLE]);
    } finally {
      await server.close();
    }
  });

  it("connectLedger creates the table on a bare server, waiting while it is CREATING (dynalite's default 500 ms)", async () => {
    const bare = dynalite();
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
    try {
      const ledger = await connectLedger(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`);
      // Straight after CreateTable it would still be CREATING.
      expect((await ledger.client.send(new DescribeTableCommand({ TableName: LOCAL_LEDGER_TABLE }))).Table?.TableStatus).toBe("ACTIVE");
      await ledger.close();
    } finally {
      bare.closeAllConnections();
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  });

  it("says which port is taken (npm start turns EADDRINUSE into a hint)", async () => {
    const taken = await startLocalLedger({ port: 0 });
    try {
      await expect(startLocalLedger({ port: Number(new URL(taken.endpoint).port) })).rejects.toThrow(/EADDRINUSE.*:\d+/);
    } finally {
      await taken.close();
    }
  });

  it("reads DYNAMODB_PORT, default 8000", () => {
    expect(localLedgerOptions({})).toEqual({ port: 8000 });
    expect(localLedgerOptions({ DYNAMODB_PORT: "0" })).toEqual({ port: 0 });
    expect(() => localLedgerOptions({ DYNAMODB_PORT: "eighty" })).toThrow(/DYNAMODB_PORT/);
  });

  it("lets a process end by itself once closed: no timer or socket left behind", async () => {
    const script = [
      `import { startLocalLedger } from "./local/dynamo-server.ts";`,
      `import { dynamoDbLedger } from "./lambdas/aws/dynamodb-ledger.ts";`,
      `const local = await startLocalLedger({ port: 0 });`,
      `const ledger = dynamoDbLedger(local.client, local.tableName, { retentionDays: 30 });`,
      `await ledger.record([{ key: ${JSON.stringify(KEY)}, deliveredAt: Math.floor(Date.now() / 1000), attempts: 1 }]);`,
      `console.log((await ledger.lookup([${JSON.stringify(KEY)}])).size);`,
      `await local.close();`,
    ].join("\n");
    // A leaked keep-alive socket or timer would hold the process open until execFile's timeout kills it.
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script],
        {
          cwd: join(import.meta.dirname, "../.."),
          timeout: 20_000,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        },
        (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(result).toEqual({ code: 0, stdout: "1\n", stderr: "" });
  });
});
