import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { dynamoDbLedger, ledgerClient } from "../aws/dynamodb-ledger";
import { publishMatchQuality } from "../aws/match-quality-metrics";
import { metricsCounter } from "../aws/metrics";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { timedSqsClient } from "../aws/sqs-client";
import { sqsSenderQueue } from "../aws/sqs-sender-queue";
import { tenantDirectoryFromEnv } from "../aws/tenant-directory";
import { ENV } from "../contract";
import { optional, readLedgerConfig, readSenderConfig } from "../core/config";
import { LedgerGuard } from "../core/ledger-guard";
import { configuredDestinations } from "../core/metric-dimensions";
import { httpTransport } from "../core/tiktok-transport";
import { createSenderHandler } from "./sender";
import { tenantTokens } from "./tenant-tokens";

// Lambda entry: wires the sender to Secrets Manager (token), SQS (DLQ moves, retry delays), the delivery
// ledger in DynamoDB, TikTok over HTTPS, and Powertools' logger and metrics; match quality of what TikTok took.
const logger = new Logger();
const metrics = new Metrics();
const config = readSenderConfig(process.env);
const tokenSecretArn = requiredEnv(ENV.tokenSecretArn);
const count = metricsCounter(metrics);
const ledgerTable = optional(process.env, ENV.ledgerTable);
const ledgerConfig = readLedgerConfig(process.env);
// Only the operator's pixel gets its own Destination in match quality: a caller's pixel_code counts as "other".
const destinations = configuredDestinations([optional(process.env, ENV.pixelCode)]);

const send = createSenderHandler({
  ...config,
  transport: httpTransport(config.apiUrl, config.requestTimeoutMs),
  // The single-shop token from Secrets Manager; a tenant's from the tenant table (its own, never another's).
  token: tenantTokens(
    {
      get: () => readSecretString(tokenSecretArn),
      refresh: () => readSecretString(tokenSecretArn, true),
    },
    tenantDirectoryFromEnv(process.env),
  ),
  // With request timeouts too: a hung DLQ move or visibility change must not eat the invocation's time budget.
  queue: sqsSenderQueue(timedSqsClient(), requiredEnv(ENV.eventsQueueUrl), requiredEnv(ENV.deadLetterQueueUrl), logger),
  ledger: ledgerTable
    ? new LedgerGuard(dynamoDbLedger(ledgerClient({}), ledgerTable, ledgerConfig), ledgerConfig.scope, logger, (n) =>
        count("LedgerErrors", n),
      )
    : undefined,
  log: logger,
  count,
  observeDelivered: (delivered) => publishMatchQuality(delivered, destinations),
});

export const handler = middy(send).use(injectLambdaContext(logger)).use(logMetrics(metrics));
