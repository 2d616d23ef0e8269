import { parseKeys } from "../lambdas/authorizer/api-keys";
import { createAuthorizer } from "../lambdas/authorizer/authorize";
import { apiGatewayHandler } from "../lambdas/aws/api-gateway";
import { dynamoDbLedger } from "../lambdas/aws/dynamodb-ledger";
import { dynamoDbTenants } from "../lambdas/aws/dynamodb-tenants";
import { sqsEventQueue } from "../lambdas/aws/sqs-event-queue";
import { sqsSenderQueue } from "../lambdas/aws/sqs-sender-queue";
import { ENV, HEALTH_BODY, INTEGER_SETTINGS, LOCAL_INTEGER_SETTINGS, ROUTES, TENANT_WOOCOMMERCE_ROUTE } from "../lambdas/contract";
import { optional, readIngestConfig, readLedgerConfig, readSenderConfig, setting } from "../lambdas/core/config";
import { LedgerGuard } from "../lambdas/core/ledger-guard";
import type { Log } from "../lambdas/core/log";
import { cachedTenantDirectory } from "../lambdas/core/tenant-cache";
import { httpTransport } from "../lambdas/core/tiktok-transport";
import { createIngestHandler } from "../lambdas/ingest/ingest";
import { createSenderHandler } from "../lambdas/sender/sender";
import { tenantTokens } from "../lambdas/sender/tenant-tokens";
import { readWooCommerceConfig } from "../lambdas/woocommerce/config";
import { parseSecrets } from "../lambdas/woocommerce/signature";
import { createWooCommerceHandler } from "../lambdas/woocommerce/webhook";
import { dryRunLog, printingTransport } from "./dry-run";
import { connectLedger, type LocalLedger, localLedgerOptions, startLocalLedger } from "./dynamo-server";
import { startEventSource } from "./event-source";
import { readApiFlavour, startLocalApi } from "./http-api";
import { connectQueues, localQueueOptions, startLocalQueues } from "./sqs-server";
import { LocalStats, type StatsSnapshot } from "./stats";

// `npm start`: the stack's data path on one machine, with the same handlers the Lambdas run.
// Settings come from the environment, with the stack's defaults.

export type Env = Record<string, string | undefined>;

export interface LocalPipeline {
  apiUrl: string;
  eventsUrl: string;
  woocommerceUrl: string;
  sqsEndpoint: string;
  /** The delivery ledger's DynamoDB-protocol endpoint (embedded, or DYNAMODB_ENDPOINT). */
  ledgerEndpoint: string;
  /** The tenant table on the ledger's server: `npm run tenants -- ... --local` manages it while this runs. */
  tenantsTable: string;
  eventsQueueUrl: string;
  deadLetterQueueUrl: string;
  /** True when no TIKTOK_ACCESS_TOKEN is set: request bodies are printed instead of sent. */
  dryRun: boolean;
  /** True when the queues live in a separate SQS server (SQS_ENDPOINT) and survive a restart. */
  durableQueues: boolean;
  /** True when the ledger lives in a separate DynamoDB-protocol server (DYNAMODB_ENDPOINT) and survives a restart. */
  durableLedger: boolean;
  /** Counts since start and match quality: what GET /stats answers. */
  stats(): Promise<StatsSnapshot>;
  /** Grows whenever a count changes. */
  statsChanges(): number;
  stop(): Promise<void>;
}

export interface LocalPipelineOptions {
  env: Env;
  log: Log;
  /** Where dry-run request bodies go (stdout for `npm start`). */
  print?: (line: string) => void;
}

/** Used when no INGEST_API_KEY is set: the server listens on loopback only. */
export const LOCAL_DEFAULT_API_KEY = "local-dev-key";
/** Used in dry runs without a pixel, so a first try needs no TikTok account. */
export const DRY_RUN_PIXEL = "DRYRUNPIXEL0000";

export async function startLocalPipeline({ env, log, print = console.log }: LocalPipelineOptions): Promise<LocalPipeline> {
  const accessToken = optional(env, ENV.accessToken);
  const dryRun = accessToken === undefined;
  const ingestConfig = readIngestConfig(env);
  if (dryRun) ingestConfig.pixelCode ??= DRY_RUN_PIXEL;
  const senderConfig = readSenderConfig(env);

  // SQS_ENDPOINT: an SQS-protocol server that survives restarts of this process; else an embedded one whose
  // messages live (and die) with it.
  const externalEndpoint = optional(env, ENV.sqsEndpoint);
  const queueOptions = localQueueOptions(env);
  const queues = externalEndpoint ? await connectQueues(externalEndpoint, queueOptions) : await startLocalQueues(queueOptions);
  // The delivery ledger, like the queues: DYNAMODB_ENDPOINT for one that survives restarts, else embedded.
  const ledgerEndpoint = optional(env, ENV.dynamodbEndpoint);
  let ledgerServer: LocalLedger;
  try {
    ledgerServer = ledgerEndpoint ? await connectLedger(ledgerEndpoint) : await startLocalLedger(localLedgerOptions(env));
  } catch (error) {
    await queues.close();
    throw error;
  }
  const ledgerConfig = readLedgerConfig(env);
  // A dry run delivers nothing, so it records nothing: the ledger only ever holds what TikTok accepted.
  const ledger = dryRun
    ? undefined
    : new LedgerGuard(dynamoDbLedger(ledgerServer.client, ledgerServer.tableName, ledgerConfig), ledgerConfig.scope, log, (n) =>
        stats.countSender("LedgerErrors", n),
      );
  const apiKeys = parseKeys(optional(env, ENV.ingestApiKey) ?? LOCAL_DEFAULT_API_KEY);
  const stats = new LocalStats(dryRun);
  // Tenants live in a table on the same DynamoDB-protocol server as the ledger, read as the Lambdas read them.
  const tenants = cachedTenantDirectory(
    dynamoDbTenants(ledgerServer.client, ledgerServer.tenantsTableName),
    setting(env, INTEGER_SETTINGS.tenantCacheSeconds) * 1000,
  );
  const authorizer = createAuthorizer({ apiKeys: async () => apiKeys, tenants, log });
  const eventQueue = sqsEventQueue(queues.client, queues.eventsQueueUrl);
  const ingest = createIngestHandler({
    config: ingestConfig,
    queue: eventQueue,
    log,
    tenants,
    observe: stats.observeIngest,
  });
  const webhookSecrets = parseSecrets(optional(env, ENV.webhookSecret) ?? "");
  const woocommerce = createWooCommerceHandler({
    ingest: ingestConfig,
    woocommerce: readWooCommerceConfig(env),
    secrets: async () => webhookSecrets,
    queue: eventQueue,
    ledger,
    log,
    tenants,
    observe: stats.observeIngest,
    record: stats.recordWebhook,
  });
  const transport = dryRun ? printingTransport(print) : httpTransport(senderConfig.apiUrl, senderConfig.requestTimeoutMs);
  const sender = createSenderHandler({
    ...senderConfig,
    transport,
    token: tenantTokens({ get: async () => accessToken ?? "dry-run", refresh: async () => accessToken ?? "dry-run" }, tenants),
    queue: sqsSenderQueue(queues.client, queues.eventsQueueUrl, queues.deadLetterQueueUrl, log),
    ledger,
    log: dryRun ? dryRunLog(log) : log,
    count: stats.countSender,
  });
  const eventSource = startEventSource({
    client: queues.client,
    queueUrl: queues.eventsQueueUrl,
    queueArn: queues.eventsQueueArn,
    batchSize: setting(env, LOCAL_INTEGER_SETTINGS.senderBatchSize),
    batchingWindowMs: setting(env, LOCAL_INTEGER_SETTINGS.senderBatchingWindowMs),
    maxConcurrency: setting(env, LOCAL_INTEGER_SETTINGS.senderMaxConcurrency),
    timeoutMs: setting(env, LOCAL_INTEGER_SETTINGS.senderTimeoutSeconds) * 1000,
    handler: (event, context) => sender(event, context),
    log,
  });
  const snapshot = () => stats.snapshot(queues.client, queues.eventsQueueUrl, queues.deadLetterQueueUrl);
  let api: Awaited<ReturnType<typeof startLocalApi>>;
  try {
    api = await startLocalApi(
      setting(env, LOCAL_INTEGER_SETTINGS.port),
      {
        [`POST ${ROUTES.events}`]: { handler: apiGatewayHandler(ingest), authorizer },
        // Authenticated by its HMAC signature inside the handler, as in AWS.
        [`POST ${ROUTES.woocommerce}`]: { handler: apiGatewayHandler(woocommerce) },
        [`POST ${TENANT_WOOCOMMERCE_ROUTE}`]: { handler: apiGatewayHandler(woocommerce) },
        [`GET ${ROUTES.health}`]: {
          handler: async () => ({ statusCode: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(HEALTH_BODY) }),
        },
        "GET /stats": {
          handler: async () => ({
            statusCode: 200,
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(await snapshot(), null, 2),
          }),
        },
      },
      readApiFlavour(env),
    );
  } catch (error) {
    await eventSource.stop();
    await queues.close();
    await ledgerServer.close();
    throw error;
  }
  return {
    apiUrl: api.url,
    eventsUrl: `${api.url}${ROUTES.events}`,
    woocommerceUrl: `${api.url}${ROUTES.woocommerce}`,
    sqsEndpoint: queues.endpoint,
    ledgerEndpoint: ledgerServer.endpoint,
    tenantsTable: ledgerServer.tenantsTableName,
    eventsQueueUrl: queues.eventsQueueUrl,
    deadLetterQueueUrl: queues.deadLetterQueueUrl,
    dryRun,
    durableQueues: externalEndpoint !== undefined,
    durableLedger: ledgerEndpoint !== undefined,
    stats: snapshot,
    statsChanges: () => stats.changes,
    async stop() {
      await api.close();
      await eventSource.stop();
      await queues.close();
      await ledgerServer.close();
    },
  };
}
