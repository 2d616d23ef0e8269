import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { readIngestConfig } from "../core/config";
import { sqsEventQueue } from "../ingest/sqs-event-queue";
import { readWooCommerceConfig } from "./config";
import { parseSecrets } from "./signature";
import { createWooCommerceHandler } from "./webhook";

// Lambda entry for POST /woocommerce: the webhook secret from Secrets Manager (cached), events to SQS.
const logger = new Logger();
const secretArn = requiredEnv("WOOCOMMERCE_WEBHOOK_SECRET_ARN");

const webhook = createWooCommerceHandler({
  ingest: readIngestConfig(process.env),
  woocommerce: readWooCommerceConfig(process.env),
  secrets: async () => parseSecrets(await readSecretString(secretArn)),
  queue: sqsEventQueue(new SQSClient({}), requiredEnv("EVENTS_QUEUE_URL")),
  log: logger,
});

export const handler = middy(webhook).use(injectLambdaContext(logger));
