import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRedriveArgs } from "../../cli/args";
import { runRedrive } from "../../cli/commands";
import { sendInBatches } from "../../lambdas/aws/sqs-batches";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { silentLog } from "../../lambdas/core/log";
import { type EventSource, startEventSource } from "../../local/event-source";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { type FakeTikTok, ok, startFakeTikTok } from "../support/fake-tiktok";
import { lambdaEnv } from "../support/lambda-env";
import { depth, takeAll, waitFor } from "../support/queues";

// A revoked TikTok token, as in AWS: the sender Lambda entry reads it from Secrets Manager (mocked: there is
// no local server), re-reads it once, stops, and nothing is lost; after the token is replaced in the secret,
// one redrive delivers everything.

const TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:revoked-token-AbCdEf";
const secrets = mockClient(SecretsManagerClient);
const saved = { ...process.env };
let storedToken = "revoked";
let queues: LocalQueues;
let tiktok: FakeTikTok;
let source: EventSource;
let invocations = 0;

beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 2, visibilityTimeoutSeconds: 10 });
  tiktok = await startFakeTikTok((request) =>
    request.headers["access-token"] === "fresh" ? ok() : { status: 200, body: { code: 40105, message: "Access token is invalid" } },
  );
  secrets.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).callsFake(async () => ({ SecretString: storedToken }));
  Object.assign(
    process.env,
    lambdaEnv(queues.endpoint, {
      POWERTOOLS_METRICS_DISABLED: "true",
      TIKTOK_ACCESS_TOKEN_SECRET_ARN: TOKEN_ARN,
      TIKTOK_API_URL: tiktok.url,
      EVENTS_QUEUE_URL: queues.eventsQueueUrl,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      MAX_RECEIVE_COUNT: "2",
      RETRY_BASE_SECONDS: "1",
    }),
  );
  const { handler } = (await import("../../lambdas/sender/index")) as {
    handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  };
  source = startEventSource({
    client: queues.client,
    queueUrl: queues.eventsQueueUrl,
    queueArn: queues.eventsQueueArn,
    batchSize: 100,
    batchingWindowMs: 300,
    maxConcurrency: 1,
    timeoutMs: 60_000,
    handler: (event, clock) => handler(event, { functionName: "sender", awsRequestId: "local", ...clock } as Context),
    log: silentLog,
    onInvoke: () => void invocations++,
  });
});
afterAll(async () => {
  await source?.stop();
  await queues?.close();
  await tiktok?.close();
  secrets.restore();
  process.env = saved;
});

describe("revoked token", () => {
  it("stops after one re-read, loses nothing, and delivers everything after the fix and a redrive", async () => {
    const now = Math.floor(Date.now() / 1000);
    const ids = Array.from({ length: 50 }, (_, i) => `order-${i}`);
    const failed = await sendInBatches(
      queues.client,
      queues.eventsQueueUrl,
      ids.map((id) => ({
        id,
        body: JSON.stringify({ pixel_code: "C4PIXEL0000000000001", event: { event: "CompletePayment", event_time: now, event_id: id } }),
        attributes: {},
      })),
    );
    expect(failed).toEqual([]);

    await waitFor(async () => (await depth(queues.client, queues.deadLetterQueueUrl)) === 50, 30_000, "all 50 events in the DLQ");
    await waitFor(async () => (await depth(queues.client, queues.eventsQueueUrl)) === 0, 10_000, "an empty events queue");
    expect(tiktok.deliveredIds()).toEqual([]);
    // each invocation: one request, one re-read of the secret, one retry with it, then it stops
    expect(tiktok.requests.length).toBe(2 * invocations);
    const peeked = await takeAll(queues.client, queues.deadLetterQueueUrl);
    expect(new Set(peeked.map((message) => readDeadLetter(message.MessageAttributes).reason))).toEqual(new Set(["40105"]));
    // put the messages back where the redrive will find them
    expect(
      await sendInBatches(
        queues.client,
        queues.deadLetterQueueUrl,
        peeked.map((m) => ({ id: m.MessageId!, body: m.Body!, attributes: {} })),
      ),
    ).toEqual([]);

    // The owner stores a fresh token (aws secretsmanager put-secret-value) and redrives.
    storedToken = "fresh";
    const exit = await runRedrive(parseRedriveArgs(["--dlq", queues.deadLetterQueueUrl]), {
      sqs: queues.client,
      print: () => {},
      pollMs: 100,
    });
    expect(exit).toBe(0);
    await waitFor(() => tiktok.deliveredIds().length >= 50, 30_000, "50 deliveries");
    await waitFor(async () => (await depth(queues.client, queues.eventsQueueUrl)) === 0, 10_000, "an empty events queue");
    expect(tiktok.deliveredIds().sort()).toEqual([...ids].sort());
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(0);
  });
});
