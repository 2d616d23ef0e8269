import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  QueryCommand,
  type QueryCommandOutput,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { LEDGER_PARTITION_KEY, LEDGER_SORT_KEY, LEDGER_TTL_ATTRIBUTE } from "../contract/ledger";
import {
  DAY_SECONDS,
  type DeliveryKey,
  type DeliveryLedger,
  type DeliveryRecord,
  deliveryKeyString,
  LedgerUnavailableError,
  storableKey,
  unixSeconds,
} from "../core/ledger";

// The delivery ledger in DynamoDB: one item per (event_id, destination + "#" + event name). The sender asks
// about a whole SQS batch at once, so reads and writes go in DynamoDB's batches (100 keys to read, 25 items to
// write), and what DynamoDB leaves unprocessed under throttling is retried briefly: the Lambda's time budget
// belongs to TikTok, not to the ledger.

/** BatchGetItem's and BatchWriteItem's limits per call. */
export const BATCH_GET_KEYS = 100;
export const BATCH_WRITE_ITEMS = 25;
/** Calls in flight at once: a sender batch of 1,000 events is 10 reads, 40 writes. */
const PARALLEL_CALLS = 8;
/** First call plus retries of what stays unprocessed: 50 + 100 + 200 ms of backoff at most. */
const ATTEMPTS = 4;
const BACKOFF_MS = 50;

const ATTRIBUTES = { deliveredAt: "delivered_at", requestId: "request_id", attempts: "attempts" } as const;

type Item = Record<string, AttributeValue>;
type Sleep = (ms: number) => Promise<void>;

export interface DynamoDbLedgerOptions {
  /** Days a record is kept (and honoured) after delivery: it becomes the item's TTL. */
  retentionDays: number;
  /** Unix seconds. */
  now?: () => number;
  sleep?: Sleep;
}

export function dynamoDbLedger(client: DynamoDBClient, tableName: string, options: DynamoDbLedgerOptions): DeliveryLedger {
  const { retentionDays, now = unixSeconds, sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = options;
  // DynamoDB's TTL deletes expired items lazily (up to days late) and local servers not at all: an expired
  // item must read as absent, or a redrive after the retention would be skipped without a trace.
  const live = (item: Item) => {
    const expiresAt = Number(item[LEDGER_TTL_ATTRIBUTE]?.N);
    return !Number.isFinite(expiresAt) || expiresAt > now();
  };
  const unavailable = (what: string, error: unknown) => {
    const { name = "Error", message = String(error) } = (error ?? {}) as { name?: string; message?: string };
    return new LedgerUnavailableError(`delivery ledger ${tableName}: ${what}: ${name}: ${message}`, { cause: error });
  };

  const getChunk = async (keys: Item[]): Promise<Item[]> => {
    const found: Item[] = [];
    let pending: Item[] = keys;
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(BACKOFF_MS * 2 ** (attempt - 2));
      let response: BatchGetItemCommandOutput;
      try {
        response = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
      } catch (error) {
        throw unavailable("lookup failed", error);
      }
      found.push(...(response.Responses?.[tableName] ?? []));
      pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
    if (pending.length > 0) {
      throw new LedgerUnavailableError(
        `delivery ledger ${tableName}: ${pending.length} keys still unprocessed after ${ATTEMPTS} attempts (throttled?)`,
      );
    }
    return found;
  };

  const writeChunk = async (requests: WriteRequest[]): Promise<WriteRequest[]> => {
    let pending = requests;
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(BACKOFF_MS * 2 ** (attempt - 2));
      try {
        const response = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        pending = response.UnprocessedItems?.[tableName] ?? [];
      } catch {
        // The SDK has already retried the call: the store is down or refuses it, and the caller hears which keys.
        return pending;
      }
    }
    return pending;
  };

  return {
    async lookup(keys) {
      // A key DynamoDB cannot hold was never recorded; sending it would fail the whole batch it is in.
      const unique = new Map<string, Item>();
      for (const key of keys) if (storableKey(key)) unique.set(deliveryKeyString(key), keyItem(key));
      const items = (await inParallel(chunks([...unique.values()], BATCH_GET_KEYS), getChunk)).flat();
      const found = new Map<string, DeliveryRecord>();
      for (const item of items) {
        const record = readRecord(item);
        if (record && live(item)) found.set(deliveryKeyString(record.key), record);
      }
      return found;
    },

    async record(records) {
      const failed: DeliveryKey[] = [];
      // BatchWriteItem refuses two writes to one key in a call: the last record of a key wins.
      const unique = new Map<string, DeliveryRecord>();
      for (const record of records) {
        if (storableKey(record.key)) unique.set(deliveryKeyString(record.key), record);
        else failed.push(record.key);
      }
      const requests = [...unique.values()].map((record): WriteRequest => ({ PutRequest: { Item: recordItem(record, retentionDays) } }));
      const unwritten = (await inParallel(chunks(requests, BATCH_WRITE_ITEMS), writeChunk)).flat();
      for (const request of unwritten) {
        const record = request.PutRequest?.Item && readRecord(request.PutRequest.Item);
        if (record) failed.push(record.key);
      }
      return failed;
    },

    async findByEventId(eventId) {
      if (!storableKey({ destination: "-", event: "-", eventId })) return [];
      const records: DeliveryRecord[] = [];
      let start: Item | undefined;
      do {
        let page: QueryCommandOutput;
        try {
          page = await client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: "#pk = :id",
              ExpressionAttributeNames: { "#pk": LEDGER_PARTITION_KEY },
              ExpressionAttributeValues: { ":id": { S: eventId } },
              ExclusiveStartKey: start,
            }),
          );
        } catch (error) {
          throw unavailable("query failed", error);
        }
        for (const item of page.Items ?? []) {
          const record = readRecord(item);
          if (record && live(item)) records.push(record);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return records;
    },
  };
}

/**
 * A DynamoDB client for the ledger: short timeouts and one retry, because the ingest and sender Lambdas must
 * never hang on it (an unanswered call is a LedgerUnavailableError in seconds, and the messages wait in SQS).
 */
export function ledgerClient(options: Pick<DynamoDBClientConfig, "endpoint" | "region" | "credentials"> = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...options,
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: 1000,
      requestTimeout: 2000,
      // Without it the SDK's HTTP handler (@smithy/node-http-handler 4.x) only logs a warning when
      // requestTimeout passes and keeps waiting: a server that accepts and never answers hangs the call.
      throwOnRequestTimeout: true,
    },
  });
}

function keyItem(key: DeliveryKey): Item {
  return { [LEDGER_PARTITION_KEY]: { S: key.eventId }, [LEDGER_SORT_KEY]: { S: `${key.destination}#${key.event}` } };
}

function recordItem(record: DeliveryRecord, retentionDays: number): Item {
  const item: Item = {
    ...keyItem(record.key),
    [ATTRIBUTES.deliveredAt]: { N: String(record.deliveredAt) },
    [ATTRIBUTES.attempts]: { N: String(record.attempts) },
    [LEDGER_TTL_ATTRIBUTE]: { N: String(Math.ceil(record.deliveredAt + retentionDays * DAY_SECONDS)) },
  };
  if (record.requestId) item[ATTRIBUTES.requestId] = { S: record.requestId };
  return item;
}

/** The record an item holds; undefined for an item that is not one (written by hand, say). */
function readRecord(item: Item): DeliveryRecord | undefined {
  const eventId = item[LEDGER_PARTITION_KEY]?.S;
  const target = item[LEDGER_SORT_KEY]?.S;
  // The destination never holds "#" (storableKey), so the first "#" ends it; an event name may hold one.
  const split = target?.indexOf("#") ?? -1;
  if (eventId === undefined || target === undefined || split <= 0) return undefined;
  const record: DeliveryRecord = {
    key: { destination: target.slice(0, split), event: target.slice(split + 1), eventId },
    deliveredAt: Number(item[ATTRIBUTES.deliveredAt]?.N ?? 0),
    attempts: Number(item[ATTRIBUTES.attempts]?.N ?? 0),
  };
  const requestId = item[ATTRIBUTES.requestId]?.S;
  if (requestId !== undefined) record.requestId = requestId;
  return record;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function inParallel<T, R>(inputs: T[], run: (input: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < inputs.length; i += PARALLEL_CALLS)
    results.push(...(await Promise.all(inputs.slice(i, i + PARALLEL_CALLS).map(run))));
  return results;
}
