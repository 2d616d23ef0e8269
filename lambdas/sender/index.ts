import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { readSecretString, requiredEnv } from "../aws/secret";
import { readSenderConfig } from "../core/config";
import { httpTransport } from "../core/tiktok-transport";
import { createSenderHandler } from "./sender";

// Lambda entry: wires the sender to Secrets Manager (token), TikTok over HTTPS and Powertools' logger.
const logger = new Logger();
const config = readSenderConfig(process.env);
const tokenSecretArn = requiredEnv("TIKTOK_ACCESS_TOKEN_SECRET_ARN");

const send = createSenderHandler({
  transport: httpTransport(config.apiUrl, config.requestTimeoutMs),
  token: {
    get: () => readSecretString(tokenSecretArn),
    refresh: () => readSecretString(tokenSecretArn, true),
  },
  log: logger,
});

export const handler = middy(send).use(injectLambdaContext(logger));
