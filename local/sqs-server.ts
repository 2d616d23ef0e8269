import type { AddressInfo } from "node:net";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createSqsServer } from "./local-aws-sqs";

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

export async function startLocalQueues(options: LocalQueueOptions): Promise<LocalQueues> {
  const server = await createSqsServer({ port: options.port, hostname: "127.0.0.1", region: REGION, accountId: ACCOUNT });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = sqsClientFor(endpoint);
  const arn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
  const dlq = await client.send(
    new CreateQueueCommand({ QueueName: "tiktok-relay-dlq", Attributes: { MessageRetentionPeriod: String(14 * 86_400) } }),
  );
  const events = await client.send(
    new CreateQueueCommand({
      QueueName: "tiktok-relay-events",
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("tiktok-relay-dlq"), maxReceiveCount: options.maxReceiveCount }),
      },
    }),
  );
  return {
    endpoint,
    client,
    eventsQueueUrl: events.QueueUrl!,
    eventsQueueArn: arn("tiktok-relay-events"),
    deadLetterQueueUrl: dlq.QueueUrl!,
    close: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
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
