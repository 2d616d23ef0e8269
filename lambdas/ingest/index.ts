import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import middy from "@middy/core";
import { apiGatewayHandler } from "../aws/api-gateway";
import { CompactLogFormatter } from "../aws/compact-log";
import { publishRefusals } from "../aws/ingest-metrics";
import { requiredEnv } from "../aws/required-env";
import { timedSqsClient } from "../aws/sqs-client";
import { sqsEventQueue } from "../aws/sqs-event-queue";
import { tenantDirectoryFromEnv } from "../aws/tenant-directory";
import { ENV } from "../contract";
import { readIngestConfig } from "../core/config";
import { createIngestHandler } from "./ingest";

// Lambda entry: wires the ingest handler to SQS and Powertools' logger and metrics. The API's authorizer has checked
// the caller's key before this runs.
// A request that went through as sent (202, nothing refused, no warning) writes nothing at the default log level:
// the API's access log records it, and the sender's log and the delivery ledger say what became of its events.
// Anything else writes one compact line (lambdas/aws/compact-log.ts), and refusals a metric by reason. Match
// quality is the sender's to count, per up to 1,000 delivered events (lambdas/aws/match-quality-metrics.ts).
const logger = new Logger({ logFormatter: new CompactLogFormatter() });
const metrics = new Metrics();

const config = readIngestConfig(process.env);

const ingest = createIngestHandler({
  config,
  queue: sqsEventQueue(timedSqsClient(), requiredEnv(ENV.eventsQueueUrl)),
  log: logger,
  tenants: tenantDirectoryFromEnv(process.env),
  observe: (report) => publishRefusals(metrics, report),
});

export const handler = middy(apiGatewayHandler(ingest)).use(injectLambdaContext(logger));
