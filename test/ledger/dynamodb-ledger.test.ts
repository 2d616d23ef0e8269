import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dynamoDbLedger, ledgerClient } from "../../lambdas/aws/dynamodb-ledger";
import { LEDGER_PARTITION_KEY, LEDGER_SORT_KEY } from "../../lambdas/contract/ledger";
import {
  type DeliveryKey,
  type DeliveryLedger,
  type DeliveryRecord,
  deliveryKeyString,
  LedgerUnavailableError,
  memoryLedger,
} from "../../lambdas/core/ledger";
import { type LocalLedger, startLocalLedger } from "../../local/dynamo-server";
import { startThrottlingDynamo, type ThrottlingDynamo } from "../support/throttling-dynamo";
import { within } from "../support/within";

// The delivery ledger's behaviour, one table of it run against the reference (memoryLedger) and against the
// DynamoDB adapter talking to a real DynamoDB-protocol server (dynalite, behind a counting proxy); then what
// only the adapter can meet: DynamoDB's batch limits, throttling, and a store that is down or silent.

const RETENTION_DAYS = 30;
const DAY = 86_400;
const PIXEL = "web:C4PIXEL0000000000001";
const OTHER_PIXEL = "web:C4PIXEL0000000000002";

let local: LocalLedger;
let proxy: ThrottlingDynamo;
let clock = 1_800_000_000;
let run = 0;

beforeAll(async () => {
  local = await startLocalLedger({ port: 0 });
  proxy = await startThrottlingDynamo(local.endpoint);
});
afterAll(async () => {
  await proxy?.close();
  await local?.close();
});
beforeEach(() => {
  clock = 1_800_000_000;
  proxy.reset();
  run++;
});

/** Event ids unique to the running test: every test shares one dynalite table. */
const eventId = (name: string | number) => `t${run}-${name}`;
const key = (id: string | number, event = "Purchase", destination = PIXEL): DeliveryKey => ({ destination, event, eventId: eventId(id) });
const delivered = (k: DeliveryKey, extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  key: k,
  deliveredAt: clock,
  attempts: 1,
  requestId: `req-${k.eventId}`,
  ...extra,
});
const byTarget = (records: DeliveryRecord[]) =>
  [...records].sort((a, b) => deliveryKeyString(a.key).localeCompare(deliveryKeyString(b.key)));

function viaProxy(): DeliveryLedger {
  const client = ledgerClient({
    endpoint: proxy.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return dynamoDbLedger(client, local.tableName, { retentionDays: RETENTION_DAYS, now: () => clock });
}

const LEDGERS: [string, () => DeliveryLedger][] = [
  ["memoryLedger", () => memoryLedger({ now: () => clock, retentionDays: RETENTION_DAYS })],
  ["dynamoDbLedger on dynalite", viaProxy],
];

describe.each(LEDGERS)("%s", (_name, makeLedger) => {
  let ledger: DeliveryLedger;
  beforeEach(() => {
    ledger = makeLedger();
  });

  it("finds nothing it was not told about", async () => {
    expect(await ledger.lookup([key(1), key(2)])).toEqual(new Map());
    expect(await ledger.lookup([])).toEqual(new Map());
    expect(await ledger.findByEventId(eventId(1))).toEqual([]);
  });

  it("finds a recorded delivery by its full key only: destination, event name and event_id", async () => {
    const record = delivered(key(1), { attempts: 3 });
    expect(await ledger.record([record])).toEqual([]);

    const found = await ledger.lookup([key(1), key(1, "CompletePayment"), key(1, "Purchase", OTHER_PIXEL), key(2)]);

    expect(found).toEqual(new Map([[deliveryKeyString(key(1)), record]]));
  });

  it("keeps a record without a request id without inventing one", async () => {
    await ledger.record([{ key: key(1), deliveredAt: clock, attempts: 1 }]);
    const [record] = (await ledger.lookup([key(1)])).values();
    expect(record).toEqual({ key: key(1), deliveredAt: clock, attempts: 1 });
  });

  it("looks up 250 keys at once, duplicates included, and answers for exactly the 200 recorded", async () => {
    const recorded = Array.from({ length: 200 }, (_, i) => delivered(key(i)));
    expect(await ledger.record(recorded)).toEqual([]);
    const asked = [...Array.from({ length: 250 }, (_, i) => key(i)), key(7), key(7)];

    const found = await ledger.lookup(asked);

    expect(found.size).toBe(200);
    for (const record of recorded) expect(found.get(deliveryKeyString(record.key))).toEqual(record);
    expect(found.has(deliveryKeyString(key(200)))).toBe(false);
  });

  it("records 60 deliveries in one call; a key given twice keeps its last record", async () => {
    const records = Array.from({ length: 60 }, (_, i) => delivered(key(i)));
    const again = delivered(key(5), { attempts: 4, requestId: "req-second" });

    expect(await ledger.record([...records, again])).toEqual([]);

    const found = await ledger.lookup(records.map((record) => record.key));
    expect(found.size).toBe(60);
    expect(found.get(deliveryKeyString(key(5)))).toEqual(again);
  });

  it("forgets a delivery once its retention has passed (expired items are ignored, whatever the store still holds)", async () => {
    await ledger.record([delivered(key(1)), delivered(key(2), { deliveredAt: clock - 5 * DAY })]);

    clock += RETENTION_DAYS * DAY - 1;
    expect([...(await ledger.lookup([key(1), key(2)])).keys()]).toEqual([deliveryKeyString(key(1))]);
    expect((await ledger.findByEventId(eventId(1))).length).toBe(1);

    clock += 1;
    expect(await ledger.lookup([key(1), key(2)])).toEqual(new Map());
    expect(await ledger.findByEventId(eventId(1))).toEqual([]);
  });

  it("finds every delivery of one event_id, across destinations and event names, and nothing of other ids", async () => {
    const records = [
      delivered(key(1)),
      delivered(key(1, "Purchase", OTHER_PIXEL), { attempts: 2 }),
      // Custom event names may hold "#", the separator of the table's sort key.
      delivered(key(1, "Refund#Partial")),
    ];
    await ledger.record([...records, delivered(key(2)), delivered(key("1x"))]);

    expect(byTarget(await ledger.findByEventId(eventId(1)))).toEqual(byTarget(records));
  });

  it("refuses keys no store can hold, and still records and finds the others of the same call", async () => {
    const empty = { destination: PIXEL, event: "Purchase", eventId: "" };
    const hashInDestination = { destination: "web:C4#PIXEL", event: "Purchase", eventId: eventId(2) };
    const huge = { destination: PIXEL, event: "Purchase", eventId: "x".repeat(2049) };

    expect(await ledger.record([delivered(empty), delivered(key(1)), delivered(hashInDestination), delivered(huge)])).toEqual([
      empty,
      hashInDestination,
      huge,
    ]);

    expect([...(await ledger.lookup([empty, key(1), hashInDestination, huge])).keys()]).toEqual([deliveryKeyString(key(1))]);
    expect(await ledger.findByEventId("")).toEqual([]);
  });
});

describe("dynamoDbLedger against DynamoDB's limits and failures", () => {
  it("reads 250 keys in 3 BatchGetItem calls and writes 60 records in 3 BatchWriteItem calls", async () => {
    const ledger = viaProxy();
    expect(await ledger.record(Array.from({ length: 60 }, (_, i) => delivered(key(i))))).toEqual([]);
    expect(proxy.calls.get("BatchWriteItem")).toBe(3);

    expect((await ledger.lookup(Array.from({ length: 250 }, (_, i) => key(i)))).size).toBe(60);
    expect(proxy.calls.get("BatchGetItem")).toBe(3);
  });

  it("stores the table layout the stack and `npm run trace` rely on, with the TTL retentionDays after delivery", async () => {
    await viaProxy().record([delivered(key(1), { attempts: 2 })]);
    const { Item } = await local.client.send(
      new GetItemCommand({
        TableName: local.tableName,
        Key: { [LEDGER_PARTITION_KEY]: { S: eventId(1) }, [LEDGER_SORT_KEY]: { S: `${PIXEL}#Purchase` } },
      }),
    );
    expect(Item).toEqual({
      event_id: { S: eventId(1) },
      target: { S: `${PIXEL}#Purchase` },
      delivered_at: { N: String(clock) },
      request_id: { S: `req-${eventId(1)}` },
      attempts: { N: "2" },
      expires_at: { N: String(clock + RETENTION_DAYS * DAY) },
    });
  });

  it("retries what a throttled table leaves unprocessed until all of it is done", async () => {
    const ledger = viaProxy();
    proxy.reset(10);
    expect(await ledger.record(Array.from({ length: 25 }, (_, i) => delivered(key(i))))).toEqual([]);
    expect(proxy.calls.get("BatchWriteItem")).toBe(3);

    proxy.reset(30);
    expect((await ledger.lookup(Array.from({ length: 100 }, (_, i) => key(i)))).size).toBe(25);
    expect(proxy.calls.get("BatchGetItem")).toBe(4);
  });

  it("gives up on keys that stay unprocessed: lookup throws LedgerUnavailableError, record returns those keys", async () => {
    const ledger = viaProxy();
    await ledger.record([delivered(key(1))]);
    proxy.reset(0);

    await expect(ledger.lookup([key(1)])).rejects.toThrow(LedgerUnavailableError);
    expect(proxy.calls.get("BatchGetItem")).toBe(4);

    // 5 items a call: 4 attempts write 20 of 25.
    proxy.reset(5);
    const failed = await ledger.record(Array.from({ length: 25 }, (_, i) => delivered(key(i))));
    expect(failed).toEqual(Array.from({ length: 5 }, (_, i) => key(20 + i)));
    expect(proxy.calls.get("BatchWriteItem")).toBe(4);
  });

  it("when the server is stopped: lookup and findByEventId throw LedgerUnavailableError within seconds, record returns every key", async () => {
    const stopped = await startLocalLedger({ port: 0 });
    await stopped.close();
    const client = ledgerClient({
      endpoint: stopped.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const down = dynamoDbLedger(client, stopped.tableName, { retentionDays: RETENTION_DAYS });

    const error = await within(
      down.lookup([key(1)]).catch((e: unknown) => e),
      5000,
      "lookup against a stopped server",
    );
    expect(error).toBeInstanceOf(LedgerUnavailableError);
    expect(String(error)).toMatch(/ECONNREFUSED/);
    await expect(within(down.findByEventId(eventId(1)), 5000, "query against a stopped server")).rejects.toThrow(LedgerUnavailableError);

    const records = Array.from({ length: 30 }, (_, i) => delivered(key(i)));
    expect(await within(down.record(records), 5000, "record against a stopped server")).toEqual(records.map((record) => record.key));
    client.destroy();
  });

  it("when the server accepts but never answers: lookup throws LedgerUnavailableError after the client's timeouts, not a hang", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const client = ledgerClient({
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      // Two attempts of 2 s each (ledgerClient): about 4 s, well under a Lambda's timeout.
      const error = await within(
        dynamoDbLedger(client, "t", { retentionDays: 1 })
          .lookup([key(1)])
          .catch((e: unknown) => e),
        10_000,
        "lookup against a silent server",
      );
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      expect(String(error)).toMatch(/TimeoutError/);
    } finally {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
