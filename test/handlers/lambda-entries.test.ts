import { readFileSync } from "node:fs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signBody } from "../../lambdas/woocommerce/signature";
import { proxyEvent } from "../../local/http-api";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { apiEvent } from "../support/api-event";
import { type FakeTikTok, ok, startFakeTikTok } from "../support/fake-tiktok";
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
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_SQS: queues.endpoint,
    POWERTOOLS_LOG_LEVEL: "SILENT",
    EVENTS_QUEUE_URL: queues.eventsQueueUrl,
    DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
    INGEST_API_KEY_SECRET_ARN: KEY_ARN,
    TIKTOK_PIXEL_CODE: "C4PIXEL0000000000001",
    TIKTOK_ACCESS_TOKEN_SECRET_ARN: TOKEN_ARN,
    TIKTOK_API_URL: tiktok.url,
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

  it("publishes match quality as EMF metrics by pixel and event name; neither logs nor metrics carry identifiers", async () => {
    process.env.POWERTOOLS_METRICS_NAMESPACE = "TikTokEventsRelay/Test";
    process.env.POWERTOOLS_LOG_LEVEL = "INFO";
    const { handler } = (await import("../../lambdas/ingest/index")) as {
      handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
    };
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const purchase = {
      event: "CompletePayment",
      event_id: "order-9",
      user: { email: "buyer@example.com", ip: "203.0.113.77" },
      properties: { currency: "USD", value: 5 },
    };
    try {
      expect((await handler(apiEvent({ data: [purchase, { event: "AddToCart", event_id: "c1" }] }, {}), context)).statusCode).toBe(202);
    } finally {
      write.mockRestore();
    }
    await takeAll(queues.client, queues.eventsQueueUrl);
    const emf = emfOf(lines);
    const purchaseMetrics = emf.find((entry) => entry.EventName === "CompletePayment");
    expect(purchaseMetrics).toMatchObject({
      Destination: "web:C4PIXEL0000000000001",
      service: "tiktok-relay-events",
      Events: 1,
      CoverageScore: 30,
      WithEmail: 1,
      WithIp: 1,
      WithPhone: 0,
      WithStrongKey: 1,
    });
    expect(purchaseMetrics._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: "TikTokEventsRelay/Test",
      Dimensions: [expect.arrayContaining(["Destination", "EventName"])],
    });
    expect(emf.find((entry) => entry.EventName === "AddToCart")).toMatchObject({ Events: 1, CoverageScore: 0, WithStrongKey: 0 });
    expect(emf.find((entry) => entry.Purchases !== undefined)).toMatchObject({
      service: "tiktok-relay-events",
      Purchases: 1,
      PurchasesWithStrongKey: 1,
    });
    expect(emf.find((entry) => entry.EventsReceived !== undefined)).toMatchObject({ EventsReceived: 2, EventsAccepted: 2 });
    // the request's log line is there, with the event ids, and no identifier in any line
    expect(lines.some((line) => line.includes('"message":"ingest"') && line.includes("order-9"))).toBe(true);
    expect(lines.join("")).not.toMatch(/buyer@example\.com|203\.0\.113\.77/);
  });
});

describe("WooCommerce Lambda entry", () => {
  it("counts an accepted order in the match-quality metrics the dashboard and the weak-purchase alarm read", async () => {
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
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const event = proxyEvent(
        "POST",
        "/woocommerce",
        { "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": signBody(body, "woo-secret") },
        body,
        false,
      );
      const response = await handler(event, context);
      expect(JSON.parse(response.body)).toMatchObject({ accepted: 1 });
    } finally {
      write.mockRestore();
    }
    await takeAll(queues.client, queues.eventsQueueUrl);
    const emf = emfOf(lines);
    // The same namespace, service and dimensions as POST /events' purchases (lib/monitoring.ts reads these).
    const purchase = emf.find((entry) => entry.EventName === "Purchase");
    expect(purchase).toMatchObject({
      service: "tiktok-relay-events",
      Destination: "web:C4PIXEL0000000000001",
      Events: 1,
      WithEmail: 1,
      WithStrongKey: 1,
    });
    expect(purchase._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: "TikTokEventsRelay/Test" });
    expect(emf.find((entry) => entry.Purchases !== undefined)).toMatchObject({
      service: "tiktok-relay-events",
      Purchases: 1,
      PurchasesWithStrongKey: 1,
    });
    expect(emf.find((entry) => entry.EventsAccepted !== undefined)).toMatchObject({
      service: "tiktok-relay-woocommerce",
      EventsReceived: 1,
      EventsAccepted: 1,
    });
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
