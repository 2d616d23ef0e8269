import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { requiredEnv } from "../aws/secret";
import { readIngestConfig } from "../core/config";
import { createIngestHandler } from "./ingest";
import { sqsEventQueue } from "./sqs-event-queue";

// Lambda entry: wires the ingest handler to SQS and Powertools' logger. The API's authorizer has checked
// the caller's key before this runs.
const logger = new Logger();

const ingest = createIngestHandler({
  config: readIngestConfig(process.env),
  queue: sqsEventQueue(new SQSClient({}), requiredEnv("EVENTS_QUEUE_URL")),
  log: logger,
});

export const handler = middy(ingest).use(injectLambdaContext(logger));
