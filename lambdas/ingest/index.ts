import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { publishIngestReport } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { readIngestConfig } from "../core/config";
import { createIngestHandler } from "./ingest";
import { sqsEventQueue } from "./sqs-event-queue";

// Lambda entry: wires the ingest handler to SQS and Powertools' logger and metrics. The API's authorizer has checked
// the caller's key before this runs.
const logger = new Logger();
const metrics = new Metrics();

const ingest = createIngestHandler({
  config: readIngestConfig(process.env),
  queue: sqsEventQueue(new SQSClient({}), requiredEnv("EVENTS_QUEUE_URL")),
  log: logger,
  observe: (report) => publishIngestReport(metrics, report),
});

export const handler = middy(ingest).use(injectLambdaContext(logger)).use(logMetrics(metrics));
