import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { restHandler } from "../aws/api-gateway";
import { publishIngestReport } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { sqsEventQueue } from "../aws/sqs-event-queue";
import { ENV } from "../contract";
import { readIngestConfig } from "../core/config";
import { createIngestHandler } from "./ingest";

// Lambda entry: wires the ingest handler to SQS and Powertools' logger and metrics. The API's authorizer has checked
// the caller's key before this runs.
const logger = new Logger();
const metrics = new Metrics();

const ingest = createIngestHandler({
  config: readIngestConfig(process.env),
  queue: sqsEventQueue(new SQSClient({}), requiredEnv(ENV.eventsQueueUrl)),
  log: logger,
  observe: (report) => publishIngestReport(metrics, report),
});

export const handler = middy(restHandler(ingest)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
