import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { metricsCounter } from "../aws/metrics";
import { requiredEnv } from "../aws/required-env";
import { readSecretString } from "../aws/secret";
import { sqsSenderQueue } from "../aws/sqs-sender-queue";
import { ENV } from "../contract";
import { readSenderConfig } from "../core/config";
import { httpTransport } from "../core/tiktok-transport";
import { createSenderHandler } from "./sender";

// Lambda entry: wires the sender to Secrets Manager (token), SQS (DLQ moves, retry delays), TikTok over
// HTTPS, and Powertools' logger and metrics.
const logger = new Logger();
const metrics = new Metrics();
const config = readSenderConfig(process.env);
const tokenSecretArn = requiredEnv(ENV.tokenSecretArn);

const send = createSenderHandler({
  ...config,
  transport: httpTransport(config.apiUrl, config.requestTimeoutMs),
  token: {
    get: () => readSecretString(tokenSecretArn),
    refresh: () => readSecretString(tokenSecretArn, true),
  },
  queue: sqsSenderQueue(new SQSClient({}), requiredEnv(ENV.eventsQueueUrl), requiredEnv(ENV.deadLetterQueueUrl), logger),
  log: logger,
  count: metricsCounter(metrics),
});

export const handler = middy(send).use(injectLambdaContext(logger)).use(logMetrics(metrics));
