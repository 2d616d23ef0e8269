import { ReceiveMessageCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";

// SQS limits the messages in flight (received, not yet deleted) to about 120,000; a backlog of waiting messages has
// no limit. The embedded server (local-aws-sqs, patched in local/local-aws-sqs.ts) compared the *waiting* ones with
// that quota, so a local relay 120,000 events behind could no longer receive anything and stopped delivering.

const BACKLOG = 120_010;

let queues: LocalQueues;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(async () => {
  await queues.close();
});

describe("the embedded SQS server with a large backlog", () => {
  it("still delivers when more than 120,000 messages wait in the queue", { timeout: 120_000 }, async () => {
    const batches = Math.ceil(BACKLOG / 10);
    let next = 0;
    // A few senders at once, as the ingest function's calls would come.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let batch = next++; batch < batches; batch = next++) {
          const entries = Array.from({ length: Math.min(10, BACKLOG - batch * 10) }, (_, i) => ({
            Id: String(i),
            MessageBody: `{"n":${batch * 10 + i}}`,
          }));
          const { Failed = [] } = await queues.client.send(
            new SendMessageBatchCommand({ QueueUrl: queues.eventsQueueUrl, Entries: entries }),
          );
          expect(Failed).toEqual([]);
        }
      }),
    );
    const { Messages = [] } = await queues.client.send(
      new ReceiveMessageCommand({ QueueUrl: queues.eventsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(Messages).toHaveLength(10);
  });
});
