import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { apiGatewayHandler } from "../aws/api-gateway";
import { dynamoDbLedger, ledgerClient } from "../aws/dynamodb-ledger";
import { publishIngestReport } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { timedSqsClient } from "../aws/sqs-client";
import { sqsEventQueue } from "../aws/sqs-event-queue";
import { tenantDirectoryFromEnv } from "../aws/tenant-directory";
import { publishWebhookOutcome } from "../aws/webhook-metrics";
import { ENV } from "../contract";
import { optional, readIngestConfig, readLedgerConfig } from "../core/config";
import { LedgerGuard } from "../core/ledger-guard";
import { readWooCommerceConfig } from "./config";
import { parseSecrets } from "./signature";
import { createWooCommerceHandler } from "./webhook";

// Lambda entry for POST /woocommerce: the webhook secret from Secrets Manager (cached), the delivery ledger
// (an order already sent is not queued again), events to SQS, received/accepted/refused counts, and refused and
// skipped deliveries by reason (the signature and skipped-order alarms). Its orders count in match quality and
// the weak-purchase alarm when the sender delivers them, like every event.
const logger = new Logger();
const metrics = new Metrics();
const secretArn = requiredEnv(ENV.webhookSecretArn);
const ledgerTable = optional(process.env, ENV.ledgerTable);
const ledgerConfig = readLedgerConfig(process.env);

const ingest = readIngestConfig(process.env);

const webhook = createWooCommerceHandler({
  ingest,
  woocommerce: readWooCommerceConfig(process.env),
  secrets: async () => parseSecrets(await readSecretString(secretArn)),
  queue: sqsEventQueue(timedSqsClient(), requiredEnv(ENV.eventsQueueUrl)),
  ledger: ledgerTable
    ? new LedgerGuard(dynamoDbLedger(ledgerClient({}), ledgerTable, ledgerConfig), ledgerConfig.scope, logger, (n) =>
        metrics.addMetric("LedgerErrors", MetricUnit.Count, n),
      )
    : undefined,
  log: logger,
  tenants: tenantDirectoryFromEnv(process.env),
  observe: (report) => publishIngestReport(metrics, report),
  record: (outcome) => publishWebhookOutcome(metrics, outcome),
});

export const handler = middy(apiGatewayHandler(webhook)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
