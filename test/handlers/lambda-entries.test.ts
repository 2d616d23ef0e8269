import { readFileSync } from "node:fs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signBody } from "../../lambdas/woocommerce/signature";
import { toRecord } from "../../local/event-source";
import { proxyEvent } from "../../local/http-api";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { apiEvent } from "../support/api-event";
import { type FakeTikTok, ok, startFakeTikTok } from "../support/fake-tiktok";
import { lambdaEnv } from "../support/lambda-env";
import { takeAll } from "../support/queues";

// The Lambda entry files as AWS runs them, configured only by the environment the stack sets.
// Secrets Manager has no local server, so it alone is mocked; SQS and TikTok are real protocol peers.

const secrets = mockClient(SecretsManagerClient);
const KEY_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ingest-key-AbCdEf";
const TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tiktok-token-AbCdEf";
const context = { functionName: "test", awsRequestId: "req-1" } as Context;
const saved = { ...process.env };

let queues: LocalQueues;
let tiktok: FakeTikTok;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  tiktok = await startFakeTikTok();
});
afterAll(async () => {
  process.env = saved;
  await queues.close();
  await tiktok.close();
});
beforeEach(() => {
  secrets.reset();
  vi.resetModules(); // each test loads the entry fresh: new secret cache, new clients
  tiktok.reset();
  process.env = {
    ...saved,
    ...lambdaEnv(queues.endpoint, {
      EVENTS_QUEUE_URL: queues.eventsQueueUrl,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      INGEST_API_KEY_SECRET_ARN: KEY_ARN,
      TIKTOK_PIXEL_CODE: "C4PIXEL0000000000001",
      TIKTOK_ACCESS_TOKEN_SECRET_ARN: TOKEN_ARN,
      TIKTOK_API_URL: tiktok.url,
    }),
  };
});

/** The EMF documents (CloudWatch metrics) among what an entry wrote to stdout. */
function emfOf(lines: string[]) {
  return lines
    .flatMap((line) => line.split("\n"))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));
}

describe("authorizer Lambda entry", () => {
  it("accepts any key stored in the secret and reads the secret once for many requests", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: KEY_ARN }).resolves({ SecretString: "old-key, new-key\n" });
    const { handler } = (await import("../../lambdas/authorizer/index")) as {
      handler: (event: unknown, context: Context) => Promise<{ principalId: string }>;
    };
    const methodArn = "arn:aws:execute-api:us-east-1:123456789012:abc/v1/POST/events";
    await expect(handler({ headers: { Authorization: "Bearer new-key" }, methodArn }, context)).resolves.toMatchObject({
      principalId: "ingest-key",
    });
    await expect(handler({ headers: { Authorization: "Bearer old-key" }, methodArn }, context)).resolves.toMatchObject({
      principalId: "ingest-key",
    });
    await expect(handler({ headers: { Authorization: "Bearer other" }, methodArn }, context)).rejects.toThrow("Unauthorized");
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});

/** What `run` wrote to stdout (EMF documents and Powertools' log lines go there). */
async function stdoutOf(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return lines.flatMap((chunk) => chunk.split("\n")).filter((line) => line !== "");
}

describe("ingest Lambda entry", () => {
  it("enqueues to EVENTS_QUEUE_URL with the settings from the environment", async () => {
    const { handler } = (await import("../../lambdas/ingest/index")) as {
      handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
    };
    const event = { event: "Lead", event_id: "lead-7", user: { email: "x@y.zz" } };
    const accepted = await handler(apiEvent(event, { Authorization: "Bearer checked-by-the-authorizer" }), context);
    expect(accepted.statusCode).toBe(202);
    const queued = await takeAll(queues.client, queues.eventsQueueUrl);
    expect(queued.map((message) => JSON.parse(message.Body!))).toEqual([
      { destination: { source: "web", id: "C4PIXEL0000000000001" }, event: expect.objectContaining({ event: "Lead", event_id: "lead-7" }) },
    ]);
    // no Secrets Manager call: the key was checked before the function ran
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it("writes nothing for a request that went through at the default level; a refusal writes one line and its reason as a metric", async () => {
    process.env.POWERTOOLS_METRICS_NAMESPACE = "TikTokEventsRelay/Test";
    process.env.POWERTOOLS_SERVICE_NAME = "tiktok-relay-ingest";
    process.env.POWERTOOLS_LOG_LEVEL = "INFO";
    const { handler } = (await import("../../lambdas/ingest/index")) as {
      handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
    };
    const purchase = {
      event: "Purchase",
      event_id: "order-9",
      user: { email: "buyer@example.com", ip: "203.0.113.77" },
      properties: { currency: "USD", value: 5 },
    };
    // Went through as sent: no function line and no metric (the access log has the request, the sender the events).
    const routine = await stdoutOf(async () => {
      expect((await handler(apiEvent({ data: [purchase, { event: "AddToCart", event_id: "c1" }] }, {}), context)).statusCode).toBe(202);
    });
    expect(routine).toEqual([]);
    expect(await takeAll(queues.client, queues.eventsQueueUrl)).toHaveLength(2);

    // Refused: the request's line, and EventsRefused by reason under the function's service; no identifier anywhere.
    const refused = await stdoutOf(async () => {
      const bad = { ...purchase, event_time: "yesterday" };
      expect((await handler(apiEvent({ data: [bad] }, {}), context)).statusCode).toBe(400);
    });
    expect(refused.filter((line) => line.includes('"message":"ingest"') && line.includes('"status":400'))).toHaveLength(1);
    const emf = emfOf(refused);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ service: "tiktok-relay-ingest", Reason: "invalid:event_time", EventsRefused: 1 });
    expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: "TikTokEventsRelay/Test" });
    expect([...routine, ...refused].join("")).not.toMatch(/buyer@example\.com|203\.0\.113\.77/);
  });

  it("logs a request that went through, with its event ids, when the log level is DEBUG", async () => {
    process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
    const { handler } = (await import("../../lambdas/ingest/index")) as {
      handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
    };
    const lines = await stdoutOf(async () => {
      expect((await handler(apiEvent({ event: "Lead", event_id: "lead-8", user: { email: "x@y.zz" } }, {}), context)).statusCode).toBe(202);
    });
    await takeAll(queues.client, queues.eventsQueueUrl);
    const line = JSON.parse(lines.find((entry) => entry.includes('"message":"ingest"'))!);
    expect(line).toMatchObject({ level: "DEBUG", status: 202, accepted: 1, warnings: 0, eventIds: ["lead-8"] });
  });
});

describe("WooCommerce Lambda entry", () => {
  it("counts a received and accepted order under its own service, and leaves match quality to the sender", async () => {
    const WEBHOOK_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:woo-secret-AbCdEf";
    process.env.WOOCOMMERCE_WEBHOOK_SECRET_ARN = WEBHOOK_ARN;
    process.env.POWERTOOLS_METRICS_NAMESPACE = "TikTokEventsRelay/Test";
    process.env.POWERTOOLS_SERVICE_NAME = "tiktok-relay-woocommerce";
    process.env.POWERTOOLS_LOG_LEVEL = "INFO";
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN }).resolves({ SecretString: "woo-secret" });
    const order = JSON.parse(
      readFileSync(new URL("../fixtures/woocommerce/order-guest-processing.json", import.meta.url), "utf8"),
    ) as Record<string, unknown>;
    order.date_paid_gmt = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
    const body = JSON.stringify(order);
    const { handler } = (await import("../../lambdas/woocommerce/index")) as {
      handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
    };
    const lines = await stdoutOf(async () => {
      const event = proxyEvent(
        "POST",
        "/woocommerce",
        { "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": signBody(body, "woo-secret") },
        body,
        false,
      );
      const response = await handler(event, context);
      expect(JSON.parse(response.body)).toMatchObject({ accepted: 1 });
    });
    expect(await takeAll(queues.client, queues.eventsQueueUrl)).toHaveLength(1);
    const emf = emfOf(lines);
    expect(emf.find((entry) => entry.EventsAccepted !== undefined)).toMatchObject({
      service: "tiktok-relay-woocommerce",
      EventsReceived: 1,
      EventsAccepted: 1,
    });
    // Counted once, by the sender, when TikTok takes it (see "sender Lambda entry").
    expect(emf.filter((entry) => entry.service === "tiktok-relay-events")).toEqual([]);
  });
});

describe("sender Lambda entry", () => {
  const batch: SQSEvent = {
    Records: [
      {
        messageId: "m1",
        receiptHandle: "r1",
        body: JSON.stringify({
          pixel_code: "C4PIXEL0000000000001",
          event: { event: "Lead", event_time: Math.floor(Date.now() / 1000) - 60, event_id: "lead-7" },
        }),
        attributes: { ApproximateReceiveCount: "1", SentTimestamp: "0", SenderId: "x", ApproximateFirstReceiveTimestamp: "0" },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:events",
        awsRegion: "us-east-1",
      },
    ],
  };

  /** A token secret of its own: Powertools caches secrets per ARN for the life of the process. */
  function useToken(arn: string) {
    process.env.TIKTOK_ACCESS_TOKEN_SECRET_ARN = arn;
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: "token" });
  }

  /** The ingest entry's queue messages for these events, as the SQS event source hands them to the sender. */
  async function queuedBatch(events: unknown[]): Promise<SQSEvent> {
    const ingest = (await import("../../lambdas/ingest/index")) as {
      handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
    };
    expect((await ingest.handler(apiEvent({ data: events }, {}), context)).statusCode).toBe(202);
    const messages = await takeAll(queues.client, queues.eventsQueueUrl);
    return { Records: messages.map((message) => toRecord(message, queues.eventsQueueArn)) };
  }

  it("publishes match quality for the events TikTok took, once per invocation, and logs their ids; never an identifier", async () => {
    process.env.POWERTOOLS_METRICS_NAMESPACE = "TikTokEventsRelay/Test";
    process.env.POWERTOOLS_LOG_LEVEL = "INFO";
    useToken(`${TOKEN_ARN}-quality`);
    const purchase = {
      event: "CompletePayment",
      event_id: "order-9",
      user: { email: "buyer@example.com", ip: "203.0.113.77" },
      properties: { currency: "USD", value: 5 },
    };
    const records = await queuedBatch([
      purchase,
      { event: "AddToCart", event_id: "c1" },
      { event: "Purchase", event_id: "order-10", pixel_code: "C4OTHERPIXEL00000001" },
    ]);
    const { handler } = (await import("../../lambdas/sender/index")) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    const lines = await stdoutOf(async () => {
      expect((await handler(records, context)).batchItemFailures).toEqual([]);
    });
    const emf = emfOf(lines).filter((entry) => entry.service === "tiktok-relay-events");
    const purchaseMetrics = emf.find((entry) => entry.EventName === "CompletePayment");
    expect(purchaseMetrics).toMatchObject({
      Destination: "web:C4PIXEL0000000000001",
      Events: 1,
      CoverageScore: 30,
      WithEmail: 1,
      WithIp: 1,
      WithPhone: 0,
      WithStrongKey: 1,
    });
    expect(purchaseMetrics._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: "TikTokEventsRelay/Test",
      Dimensions: [["service", "Destination", "EventName"]],
    });
    expect(emf.find((entry) => entry.EventName === "AddToCart")).toMatchObject({ Events: 1, CoverageScore: 0, WithStrongKey: 0 });
    // A pixel the operator did not configure is "web:other": no caller input becomes a dimension value.
    expect(emf.find((entry) => entry.EventName === "Purchase")).toMatchObject({ Destination: "web:other", Events: 1 });
    // The purchase totals across destinations ride in one of the documents, once.
    expect(emf.filter((entry) => entry.Purchases !== undefined)).toEqual([
      expect.objectContaining({ Purchases: 2, PurchasesWithStrongKey: 1 }),
    ]);
    expect(emf).toHaveLength(3);
    // The delivery's log line names the events TikTok took.
    const delivered = lines.filter((line) => line.includes('"tiktok request"')).map((line) => JSON.parse(line) as { eventIds?: string[] });
    expect(delivered.flatMap((line) => line.eventIds ?? []).sort()).toEqual(["c1", "order-10", "order-9"]);
    expect(lines.join("")).not.toMatch(/buyer@example\.com|203\.0\.113\.77/);
  });

  it("counts no match quality for events TikTok refused (they are in the DLQ, counted there)", async () => {
    useToken(`${TOKEN_ARN}-refused`);
    tiktok.respond = () => ({ status: 200, body: { code: 40002, message: "invalid event" } });
    const records = await queuedBatch([{ event: "Lead", event_id: "lead-9", user: { email: "x@y.zz" } }]);
    const { handler } = (await import("../../lambdas/sender/index")) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    const lines = await stdoutOf(async () => {
      expect((await handler(records, context)).batchItemFailures).toEqual([]);
    });
    expect(await takeAll(queues.client, queues.deadLetterQueueUrl)).toHaveLength(1);
    expect(emfOf(lines).filter((entry) => entry.service === "tiktok-relay-events")).toEqual([]);
  });

  it("re-reads a rotated token from Secrets Manager, past its cache, after TikTok refuses the old one", async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: TOKEN_ARN })
      .resolvesOnce({ SecretString: "old-token" })
      .resolves({ SecretString: "new-token" });
    tiktok.respond = (request) =>
      request.headers["access-token"] === "new-token" ? ok() : { status: 200, body: { code: 40105, message: "invalid token" } };
    const { handler } = (await import("../../lambdas/sender/index")) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    const response = await handler(batch, context);
    expect(response.batchItemFailures).toEqual([]);
    expect(tiktok.requests.map((request) => request.headers["access-token"])).toEqual(["old-token", "new-token"]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it.each([
    ["empty", "  "],
    ["still the stack's placeholder", "REPLACE_ME: put the TikTok Events API access token here"],
  ])("fails the batch, without calling TikTok, when the token secret is %s", async (name, value) => {
    // Powertools caches secrets per ARN for the life of the process (node_modules are not reloaded).
    const arn = `${TOKEN_ARN}-${name.length}`;
    process.env.TIKTOK_ACCESS_TOKEN_SECRET_ARN = arn;
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: value });
    const { handler } = (await import("../../lambdas/sender/index")) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    const response = await handler(batch, context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    expect(tiktok.requests).toHaveLength(0);
  });
});
