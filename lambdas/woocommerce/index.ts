import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { restHandler } from "../aws/api-gateway";
import { dynamoDbLedger, ledgerClient } from "../aws/dynamodb-ledger";
import { publishIngestReport } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { sqsEventQueue } from "../aws/sqs-event-queue";
import { ENV } from "../contract";
import { optional, readIngestConfig, readLedgerConfig } from "../core/config";
import { LedgerGuard } from "../core/ledger-guard";
import { readWooCommerceConfig } from "./config";
import { parseSecrets } from "./signature";
import { createWooCommerceHandler } from "./webhook";

// Lambda entry for POST /woocommerce: the webhook secret from Secrets Manager (cached), the delivery ledger
// (an order already sent is not queued again), events to SQS, and
// the same metrics as POST /events (accepted orders count in match quality and the weak-purchase alarm).
const logger = new Logger();
const metrics = new Metrics();
const secretArn = requiredEnv(ENV.webhookSecretArn);
const ledgerTable = optional(process.env, ENV.ledgerTable);
const ledgerConfig = readLedgerConfig(process.env);

const webhook = createWooCommerceHandler({
  ingest: readIngestConfig(process.env),
  woocommerce: readWooCommerceConfig(process.env),
  secrets: async () => parseSecrets(await readSecretString(secretArn)),
  queue: sqsEventQueue(new SQSClient({}), requiredEnv(ENV.eventsQueueUrl)),
  ledger: ledgerTable
    ? new LedgerGuard(dynamoDbLedger(ledgerClient({}), ledgerTable, ledgerConfig), ledgerConfig.scope, logger, (n) =>
        metrics.addMetric("LedgerErrors", MetricUnit.Count, n),
      )
    : undefined,
  log: logger,
  observe: (report) => publishIngestReport(metrics, report),
});

export const handler = middy(restHandler(webhook)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
