import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateQueueCommand, GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from "@aws-sdk/client-sqs";
import { LOCAL_INTEGER_SETTINGS } from "../lambdas/contract";
import { readSenderConfig, setting } from "../lambdas/core/config";
import { createRequestHandler } from "./local-aws-sqs";
import { refuseSqsRequest, sqsRequestRefusal } from "./sqs-guard";

// The embedded SQS-protocol server: the same queue pair the stack deploys (events queue whose redrive
// policy moves a message to the DLQ after maxReceiveCount receives), reachable with the real SQS client.

const REGION = "us-east-1";
const ACCOUNT = "123456789012";

export interface LocalQueues {
  endpoint: string;
  client: SQSClient;
  eventsQueueUrl: string;
  eventsQueueArn: string;
  deadLetterQueueUrl: string;
  close(): Promise<void>;
}

export interface LocalQueueOptions {
  port: number;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
}

/** The local queue pair's settings from the environment: the same names and defaults for `npm start` and `npm run queue`. */
export function localQueueOptions(env: Record<string, string | undefined>): LocalQueueOptions {
  return {
    port: setting(env, LOCAL_INTEGER_SETTINGS.sqsPort),
    // The sender dead-letters on the last receive itself, so both must agree on this number.
    maxReceiveCount: readSenderConfig(env).maxReceiveCount,
    visibilityTimeoutSeconds: setting(env, LOCAL_INTEGER_SETTINGS.visibilityTimeoutSeconds),
  };
}

export async function startLocalQueues(options: LocalQueueOptions): Promise<LocalQueues> {
  const server = await startGuardedSqsServer(options.port);
  const { port } = server.address() as AddressInfo;
  const queues = await connectQueues(`http://127.0.0.1:${port}`, options);
  return {
    ...queues,
    close: async () => {
      await queues.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}

/**
 * local-aws-sqs's request handler behind the guard (local/sqs-guard.ts), on loopback. A port in use rejects
 * with Node's EADDRINUSE error, which `npm start` and `npm run queue` turn into one line (the library's own
 * server would crash the process with a stack trace instead).
 */
async function startGuardedSqsServer(port: number): Promise<Server> {
  const { service, requestHandler } = createRequestHandler({ port, hostname: "127.0.0.1", region: REGION, accountId: ACCOUNT });
  const server = createServer((request, response) => {
    const refusal = sqsRequestRefusal(request);
    if (refusal) return refuseSqsRequest(response, refusal);
    requestHandler(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Queue URLs name the port: the one actually bound when 0 asked for any.
  service.PORT = (server.address() as AddressInfo).port;
  return server;
}

/**
 * The queue pair on an SQS-protocol server that outlives this process (SQS_ENDPOINT): created if missing,
 * used as they are if they exist, so a restarted pipeline finds the messages its predecessor accepted.
 */
export async function connectQueues(endpoint: string, options: Omit<LocalQueueOptions, "port">): Promise<LocalQueues> {
  const client = sqsClientFor(endpoint);
  const arn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
  const urlOf = async (name: string, attributes: Record<string, string>) => {
    try {
      return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    } catch (error) {
      if (!(error instanceof QueueDoesNotExist)) throw error;
      return (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    }
  };
  const deadLetterQueueUrl = await urlOf("tiktok-relay-dlq", { MessageRetentionPeriod: String(14 * 86_400) });
  const eventsQueueUrl = await urlOf("tiktok-relay-events", {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("tiktok-relay-dlq"), maxReceiveCount: options.maxReceiveCount }),
  });
  return {
    endpoint,
    client,
    eventsQueueUrl,
    eventsQueueArn: arn("tiktok-relay-events"),
    deadLetterQueueUrl,
    close: async () => client.destroy(),
  };
}

/** An SQS client for the embedded server: no AWS account, no credentials of the user's involved. */
export function sqsClientFor(endpoint: string): SQSClient {
  return new SQSClient({
    region: REGION,
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}
