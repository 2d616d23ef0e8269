import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { apiGatewayHandler } from "../aws/api-gateway";
import { CompactLogFormatter } from "../aws/compact-log";
import { publishIngestReport } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { timedSqsClient } from "../aws/sqs-client";
import { sqsEventQueue } from "../aws/sqs-event-queue";
import { tenantDirectoryFromEnv } from "../aws/tenant-directory";
import { ENV } from "../contract";
import { readIngestConfig } from "../core/config";
import { configuredDestinations } from "../core/metric-dimensions";
import { createIngestHandler } from "./ingest";

// Lambda entry: wires the ingest handler to SQS and Powertools' logger and metrics. The API's authorizer has checked
// the caller's key before this runs.
// One line per request: without the keys Powertools repeats on every line (lambdas/aws/compact-log.ts).
const logger = new Logger({ logFormatter: new CompactLogFormatter() });
const metrics = new Metrics();

const config = readIngestConfig(process.env);
// Only the operator's pixel gets its own Destination in the metrics: a caller's pixel_code counts as "other".
const destinations = configuredDestinations([config.pixelCode]);

const ingest = createIngestHandler({
  config,
  queue: sqsEventQueue(timedSqsClient(), requiredEnv(ENV.eventsQueueUrl)),
  log: logger,
  tenants: tenantDirectoryFromEnv(process.env),
  observe: (report) => publishIngestReport(metrics, report, destinations),
});

export const handler = middy(apiGatewayHandler(ingest)).use(injectLambdaContext(logger)).use(logMetrics(metrics));
