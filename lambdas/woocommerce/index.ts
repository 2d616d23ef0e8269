import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { restHandler } from "../aws/api-gateway";
import { publishIngestReport } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { sqsEventQueue } from "../aws/sqs-event-queue";
import { ENV } from "../contract";
import { readIngestConfig } from "../core/config";
import { readWooCommerceConfig } from "./config";
import { parseSecrets } from "./signature";
import { createWooCommerceHandler } from "./webhook";

// Lambda entry for POST /woocommerce: the webhook secret from Secrets Manager (cached), events to SQS, and
// the same metrics as POST /events (accepted orders count in match quality and the weak-purchase alarm).
const logger = new Logger();
const metrics = new Metrics();
const secretArn = requiredEnv(ENV.webhookSecretArn);

const webhook = createWooCommerceHandler({
  ingest: readIngestConfig(process.env),
  woocommerce: readWooCommerceConfig(process.env),
  secrets: async () => parseSecrets(await readSecretString(secretArn)),
  queue: sqsEventQueue(new SQSClient({}), requiredEnv(ENV.eventsQueueUrl)),
  log: logger,
  observe: (report) => publishIngestReport(metrics, report),
});

export const handler = middy(restHandler(webhook)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
