import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { readSecretString, requiredEnv } from "../aws/secret";
import { readIngestConfig } from "../core/config";
import { parseKeys } from "./auth";
import { createIngestHandler } from "./ingest";
import { sqsEventQueue } from "./sqs-event-queue";

// Lambda entry: wires the ingest handler to SQS, Secrets Manager and Powertools' logger.
const logger = new Logger();
const keySecretArn = requiredEnv("INGEST_API_KEY_SECRET_ARN");

const ingest = createIngestHandler({
  config: readIngestConfig(process.env),
  apiKeys: async () => parseKeys(await readSecretString(keySecretArn)),
  queue: sqsEventQueue(new SQSClient({}), requiredEnv("EVENTS_QUEUE_URL")),
  log: logger,
});

export const handler = middy(ingest).use(injectLambdaContext(logger));
