import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { restHandler } from "../aws/api-gateway";
import { publishIngestReport } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { timedSqsClient } from "../aws/sqs-client";
import { sqsEventQueue } from "../aws/sqs-event-queue";
import { publishWebhookOutcome } from "../aws/webhook-metrics";
import { ENV } from "../contract";
import { readIngestConfig } from "../core/config";
import { configuredDestinations } from "../core/metric-dimensions";
import { readWooCommerceConfig } from "./config";
import { parseSecrets } from "./signature";
import { createWooCommerceHandler } from "./webhook";

// Lambda entry for POST /woocommerce: the webhook secret from Secrets Manager (cached), events to SQS, and
// the same metrics as POST /events (accepted orders count in match quality and the weak-purchase alarm), plus
// refused and skipped deliveries by reason (the signature and skipped-order alarms).
const logger = new Logger();
const metrics = new Metrics();
const secretArn = requiredEnv(ENV.webhookSecretArn);

const ingest = readIngestConfig(process.env);
const destinations = configuredDestinations([ingest.pixelCode]);

const webhook = createWooCommerceHandler({
  ingest,
  woocommerce: readWooCommerceConfig(process.env),
  secrets: async () => parseSecrets(await readSecretString(secretArn)),
  queue: sqsEventQueue(timedSqsClient(), requiredEnv(ENV.eventsQueueUrl)),
  log: logger,
  observe: (report) => publishIngestReport(metrics, report, destinations),
  record: (outcome) => publishWebhookOutcome(metrics, outcome),
});

export const handler = middy(restHandler(webhook)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
