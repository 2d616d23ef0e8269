import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { dynamoDbLedger, ledgerClient } from "../lambdas/aws/dynamodb-ledger";
import { ENV, INTEGER_SETTINGS } from "../lambdas/contract";
import { optional, setting } from "../lambdas/core/config";
import { type DeliveryLedger, type DeliveryRecord, LedgerUnavailableError } from "../lambdas/core/ledger";
import { parseQueuedEvent } from "../lambdas/core/queued-event";
import { LOCAL_LEDGER_TABLE, localLedgerOptions } from "../local/dynamo-server";
import { type Env, isLoopback, sqsClientConfig } from "./clients";
import type { DeadLetterMessage } from "./dead-letter-message";
import { CliError, isQueueMissing } from "./errors";
import { queueName } from "./queues";
import { type ScanOptions, scanQueue } from "./scan";
import { stackOutputs } from "./stack-outputs";
import { TRACE_EXIT, TRACE_USAGE, type TraceArgs, type TraceTarget } from "./trace-args";

// `npm run trace -- <event_id>`: did this event reach TikTok? The ledger says what TikTok accepted; when it
// holds nothing, the DLQ may say why the event failed; else the event is not known. Only event ids, names,
// pixels, times, TikTok request ids and the DLQ's reason fields are printed: never a body.

export interface TraceDeps {
  env: Env;
  print: (line: string) => void;
  /** Created only when --stack is used, so a --local or --table run needs no CloudFormation access. */
  cloudFormation?: () => CloudFormationClient;
  scan?: ScanOptions;
}

/** The stack outputs `npm run trace -- --stack` reads (LedgerRetentionDays only if the stack has it). */
export const TRACE_OUTPUTS = { table: "LedgerTableName", dlq: "DeadLetterQueueUrl", retention: "LedgerRetentionDays" } as const;

/** The DLQ's name in the local pipeline (local/sqs-server.ts). */
const LOCAL_DLQ_NAME = "tiktok-relay-dlq";
const LOCAL_REGION = "us-east-1";
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

interface Sources {
  ledger: DeliveryLedger;
  tableName: string;
  /** Where the table is, for messages: "DynamoDB at http://127.0.0.1:8000" or "DynamoDB". */
  tableWhere: string;
  retentionDays: number;
  /** The DLQ, found only when the ledger has no answer; undefined when no DLQ was given. */
  deadLetterQueue(): Promise<{ sqs: SQSClient; url: string } | undefined>;
  close(): void;
}

export async function runTrace(args: TraceArgs, deps: TraceDeps): Promise<number> {
  if (args.mode === "help") {
    deps.print(TRACE_USAGE);
    return TRACE_EXIT.delivered;
  }
  const sources = await openSources(args.target, deps);
  try {
    return await trace(args, sources, deps);
  } finally {
    sources.close();
  }
}

async function trace(args: Extract<TraceArgs, { mode: "trace" }>, sources: Sources, deps: TraceDeps): Promise<number> {
  const { eventId } = args;
  const { print } = deps;
  const wanted = (event: string | undefined, pixel: string | undefined, tenant: string | undefined) =>
    (args.event === undefined || event === args.event) &&
    (args.pixel === undefined || pixel === args.pixel) &&
    (args.tenant === undefined || tenant === args.tenant);

  let records: DeliveryRecord[];
  try {
    records = await sources.ledger.findByEventId(eventId);
  } catch (error) {
    throw ledgerError(error, sources);
  }
  const delivered = records
    .filter((record) => wanted(record.key.event, pixelOf(record.key.destination), tenantOf(record.key.destination)))
    .sort((a, b) => a.deliveredAt - b.deliveredAt);
  const elsewhere = records.length - delivered.length;
  const elsewhereNote =
    elsewhere > 0
      ? [
          `  (${elsewhere} other deliver${elsewhere === 1 ? "y" : "ies"} of this event_id, to another event name or pixel: drop --event/--pixel to see ${elsewhere === 1 ? "it" : "them"})`,
        ]
      : [];

  if (delivered.length > 0) {
    print(`${eventId}: delivered to TikTok`);
    for (const record of delivered) print(`  ${recordLine(record)}`);
    for (const line of elsewhereNote) print(line);
    return TRACE_EXIT.delivered;
  }

  const unknown = `${eventId}: not known: never accepted by TikTok, or older than the ledger's retention (${sources.retentionDays} days)`;
  const dlq = await sources.deadLetterQueue();
  if (!dlq) {
    print(unknown);
    print("  the dead-letter queue was not checked: give --dlq <queue URL>, or use --stack or --local");
    for (const line of elsewhereNote) print(line);
    return TRACE_EXIT.unknown;
  }
  const found: DeadLetterMessage[] = [];
  const read = await scanQueue(
    dlq.sqs,
    dlq.url,
    async (batch) => {
      for (const message of batch)
        if (message.eventId === eventId && wanted(message.eventName, pixelCodeOf(message.body), message.tenant)) found.push(message);
      // Every message stays in the DLQ.
      return batch;
    },
    deps.scan,
  );
  if (found.length > 0) {
    print(`${eventId}: not delivered: in the dead-letter queue ${queueName(dlq.url)}`);
    for (const message of found) {
      print(
        `  event=${message.eventName ?? "-"}  reason=${message.reason}  failed_at=${failedAt(message)}  attempts=${message.attempts ?? "-"}`,
      );
      print(`  reason_detail: ${message.detail}`);
    }
    for (const line of elsewhereNote) print(line);
    return TRACE_EXIT.deadLettered;
  }
  print(unknown);
  print(`  nor is it in the dead-letter queue ${queueName(dlq.url)} (${read} message${read === 1 ? "" : "s"} read)`);
  for (const line of elsewhereNote) print(line);
  return TRACE_EXIT.unknown;
}

function recordLine(record: DeliveryRecord): string {
  return [
    `delivered_at=${new Date(record.deliveredAt * 1000).toISOString()}`,
    `destination=${record.key.destination}`,
    `event=${record.key.event}`,
    `request_id=${record.requestId ?? "-"}`,
    `attempts=${record.attempts}`,
  ].join("  ");
}

function failedAt(message: DeadLetterMessage): string {
  if (message.failedAt !== undefined) return message.failedAt;
  return message.failedAtMs === undefined ? "-" : `${new Date(message.failedAtMs).toISOString()} (sent)`;
}

/** "web:C4PIXEL..." → "C4PIXEL...": a destination is `${source}:${sourceId}`. */
function pixelOf(destination: string): string {
  return destination.slice(destination.indexOf(":") + 1);
}

/** "shop-a/web:C4PIXEL..." → "shop-a": a tenant's deliveries are recorded under its name; others have none. */
function tenantOf(destination: string): string | undefined {
  const slash = destination.indexOf("/");
  return slash === -1 ? undefined : destination.slice(0, slash);
}

/** The pixel a queued event was for, from its body (which is never printed), in either message format. */
function pixelCodeOf(body: string): string | undefined {
  const destination = parseQueuedEvent(body)?.destination;
  return destination?.source === "web" ? destination.id : undefined;
}

async function openSources(target: TraceTarget, deps: TraceDeps): Promise<Sources> {
  const { env } = deps;
  let retentionDays = setting(env, INTEGER_SETTINGS.ledgerDays);
  const open = (
    config: DynamoDBClientConfig,
    tableName: string,
    tableWhere: string,
    deadLetterQueue: Sources["deadLetterQueue"],
    closeQueue: () => void,
  ): Sources => {
    const client = ledgerClient(config);
    return {
      ledger: dynamoDbLedger(client, tableName, { retentionDays }),
      tableName,
      tableWhere,
      retentionDays,
      deadLetterQueue,
      close: () => {
        client.destroy();
        closeQueue();
      },
    };
  };

  if (target.local) {
    // The endpoints `npm start` prints, from the same settings and defaults.
    const dynamoEndpoint = optional(env, ENV.dynamodbEndpoint) ?? `http://127.0.0.1:${localLedgerOptions(env).port}`;
    // Imported here: the module loads the embedded SQS server, which only the local mode has any use for.
    const sqsEndpoint =
      optional(env, "SQS_ENDPOINT") ?? `http://127.0.0.1:${(await import("../local/sqs-server")).localQueueOptions(env).port}`;
    const sqs = target.dlq
      ? new SQSClient(sqsClientConfig(env, target.dlq))
      : new SQSClient({ endpoint: sqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const deadLetterQueue = async () => ({ sqs, url: target.dlq ?? (await localDeadLetterQueueUrl(sqs, sqsEndpoint)) });
    return open(
      { endpoint: dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
      target.table ?? LOCAL_LEDGER_TABLE,
      `DynamoDB at ${dynamoEndpoint}`,
      deadLetterQueue,
      () => sqs.destroy(),
    );
  }

  let tableName = target.table;
  let dlqUrl = target.dlq;
  if (target.stack !== undefined) {
    if (!deps.cloudFormation) throw new CliError("--stack needs CloudFormation access, which this run was not given");
    const outputs = await stackOutputs(target.stack, deps.cloudFormation());
    tableName ??= outputs.get(TRACE_OUTPUTS.table);
    if (tableName === undefined) {
      throw new CliError(
        `stack "${target.stack}" has no output ${TRACE_OUTPUTS.table}: was it deployed before the delivery ledger existed? (or pass --table <name>)`,
      );
    }
    dlqUrl ??= outputs.get(TRACE_OUTPUTS.dlq);
    const retention = Number(outputs.get(TRACE_OUTPUTS.retention));
    if (Number.isInteger(retention) && retention > 0) retentionDays = retention;
  }
  const sqs = dlqUrl ? new SQSClient(sqsClientConfig(env, dlqUrl)) : undefined;
  return open(
    dynamoClientConfig(env),
    tableName!,
    "DynamoDB",
    async () => (sqs && dlqUrl ? { sqs, url: dlqUrl } : undefined),
    () => sqs?.destroy(),
  );
}

/**
 * DynamoDB as the SDK's own configuration has it (profile, AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB), read from
 * the given environment; a loopback endpoint (DynamoDB Local, dynalite) also works with no AWS setup.
 */
export function dynamoClientConfig(env: Env): DynamoDBClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  const config: DynamoDBClientConfig = endpoint ? { endpoint } : {};
  if (isLoopback(endpoint)) {
    if (!env.AWS_REGION && !env.AWS_DEFAULT_REGION && !env.AWS_PROFILE) config.region = LOCAL_REGION;
    if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) config.credentials = LOCAL_CREDENTIALS;
  }
  return config;
}

async function localDeadLetterQueueUrl(sqs: SQSClient, endpoint: string): Promise<string> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: LOCAL_DLQ_NAME }))).QueueUrl!;
  } catch (error) {
    if (isQueueMissing(error))
      throw new CliError(
        `the SQS server at ${endpoint} has no queue ${LOCAL_DLQ_NAME}: is it the local pipeline's? (SQS_ENDPOINT / SQS_PORT)`,
      );
    if (refused(error))
      throw new CliError(`cannot reach the local SQS server at ${endpoint}: is npm start running? (or set SQS_ENDPOINT / SQS_PORT)`);
    throw error;
  }
}

function ledgerError(error: unknown, sources: Sources): unknown {
  if (!(error instanceof LedgerUnavailableError)) return error;
  const cause = error.cause as { name?: string } | undefined;
  if (cause?.name === "ResourceNotFoundException") {
    return new CliError(
      `ledger table "${sources.tableName}" not found in ${sources.tableWhere}: check --table, the stack, or AWS_REGION/AWS_PROFILE`,
    );
  }
  if (refused(error)) {
    return new CliError(
      `cannot reach ${sources.tableWhere}: is npm start running with its ledger? (or set DYNAMODB_ENDPOINT / DYNAMODB_PORT)`,
    );
  }
  return error;
}

function refused(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === "ECONNREFUSED" || /ECONNREFUSED/.test(message ?? "");
}
