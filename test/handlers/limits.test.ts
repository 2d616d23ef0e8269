import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { apiGatewayHandler } from "../../lambdas/aws/api-gateway";
import { SQS_REQUEST_TIMEOUT_MS, timedSqsClient } from "../../lambdas/aws/sqs-client";
import { sqsEventQueue } from "../../lambdas/aws/sqs-event-queue";
import { INTEGER_SETTINGS, LAMBDA_INVOKE_PAYLOAD_BYTES, MAX_SAFE_BODY_BYTES } from "../../lambdas/contract";
import { readIngestConfig } from "../../lambdas/core/config";
import { silentLog } from "../../lambdas/core/log";
import type { IngestReport } from "../../lambdas/core/reports";
import { createIngestHandler } from "../../lambdas/ingest/ingest";
import { INGEST_TIMEOUT } from "../../lib/ingest-functions";
import { type LocalApi, startLocalApi } from "../../local/http-api";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { apiEvent } from "../support/api-event";
import { lambdaEnv } from "../support/lambda-env";
import { takeAll } from "../support/queues";
import { type StallingSqs, startStallingSqs } from "../support/stalling-sqs";

// Limits answer 4xx, never 5xx: no body the function accepts is too large for Lambda once API Gateway has
// escaped it into the event, a body that would be answers 413, and a hung SQS call ends in the 503 that lists
// what was and was not queued, before the function's timeout.

const PIXEL = "C4PIXEL0000000000001";

/** A JSON body of `bytes` bytes that is nothing but `\"` pairs in a string: the worst case for escaping. */
const quoteHeavyBody = (bytes: number) => {
  const prefix = '{"event":"';
  const pairs = Math.floor((bytes - prefix.length - 2) / 2);
  return `${prefix}${'\\"'.repeat(pairs)}${"x".repeat(bytes - prefix.length - 2 - 2 * pairs)}"}`;
};

/**
 * The event API Gateway's REST proxy integration builds, at its largest: the request line and headers at API
 * Gateway's 10,240-byte limit, quote-heavy, repeated wherever the event repeats them.
 */
function worstCaseAwsEvent(body: string): APIGatewayProxyEvent {
  const filler = '"'.repeat(4000);
  const headers = { "User-Agent": filler, "X-Padding": filler, Authorization: `Bearer ${"k".repeat(1000)}` };
  const path = `/events?${"q".repeat(1000)}`;
  return {
    ...apiEvent(body, headers),
    path,
    resource: path,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: { q: "q".repeat(1000) },
    multiValueQueryStringParameters: { q: ["q".repeat(1000)] },
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdefghij",
      authorizer: { keyId: "0123456789ab", principalId: "ingest-key", integrationLatency: 12 },
      httpMethod: "POST",
      identity: { sourceIp: "203.0.113.9", userAgent: filler } as APIGatewayProxyEvent["requestContext"]["identity"],
      path: `/v1${path}`,
      protocol: "HTTP/1.1",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      requestTimeEpoch: 1_767_225_600_000,
      resourceId: "abc123",
      resourcePath: path,
      stage: "v1",
    } as APIGatewayProxyEvent["requestContext"],
  };
}

describe("MAX_BODY_BYTES against Lambda's invocation limit", () => {
  it("lets the worst body the function accepts reach it: escaped ×2, with the largest headers, under 6 MiB", () => {
    expect(INTEGER_SETTINGS.maxBodyBytes.default).toBe(MAX_SAFE_BODY_BYTES);
    expect(INTEGER_SETTINGS.maxBodyBytes.max).toBe(MAX_SAFE_BODY_BYTES);
    const body = quoteHeavyBody(MAX_SAFE_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_SAFE_BODY_BYTES);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(1.99 * MAX_SAFE_BODY_BYTES);
    expect(Buffer.byteLength(JSON.stringify(worstCaseAwsEvent(body)))).toBeLessThanOrEqual(LAMBDA_INVOKE_PAYLOAD_BYTES);
    // A binary (base64) body grows by 4/3 only.
    expect(Math.ceil(MAX_SAFE_BODY_BYTES / 3) * 4).toBeLessThan(2 * MAX_SAFE_BODY_BYTES);
  });

  it("would not with the earlier 5 MiB: such a body could never reach the function, on any retry", () => {
    expect(Buffer.byteLength(JSON.stringify(apiEvent(quoteHeavyBody(5 * 1024 * 1024))))).toBeGreaterThan(LAMBDA_INVOKE_PAYLOAD_BYTES);
  });
});

describe("bodies too large, through the local API (API Gateway's part) and the ingest function", () => {
  let queues: LocalQueues;
  let api: LocalApi;
  const reports: IngestReport[] = [];
  beforeAll(async () => {
    queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
    const ingest = createIngestHandler({
      config: readIngestConfig({ TIKTOK_PIXEL_CODE: PIXEL }),
      queue: sqsEventQueue(queues.client, queues.eventsQueueUrl),
      log: silentLog,
      observe: (report) => reports.push(report),
    });
    api = await startLocalApi(0, { "POST /events": { handler: apiGatewayHandler(ingest) } });
  });
  afterAll(async () => {
    await api.close();
    await queues.close();
  });
  beforeEach(() => {
    reports.length = 0;
  });
  const post = (body: string) => fetch(`${api.url}/events`, { method: "POST", headers: { "Content-Type": "application/json" }, body });

  it("413 for a body whose escaped size would exceed 6 MiB: API Gateway answers, the function never runs", async () => {
    const body = quoteHeavyBody(3_300_000);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(LAMBDA_INVOKE_PAYLOAD_BYTES);
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(reports).toEqual([]);
  });

  it("413 from the function for a body over MAX_BODY_BYTES that still fits Lambda", async () => {
    const body = JSON.stringify({ data: [{ event: "Lead", properties: { description: "d".repeat(MAX_SAFE_BODY_BYTES) } }] });
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/the limit is 3080192/);
    expect(reports).toEqual([{ received: 0, accepted: [], rejected: { too_large: 1 } }]);
  });

  it("reads the worst-case body of exactly MAX_BODY_BYTES (a 400 for its content, not a size error)", async () => {
    const response = await post(quoteHeavyBody(MAX_SAFE_BODY_BYTES));
    expect(response.status).toBe(400);
    expect(reports).toHaveLength(1);
  });
});

describe("a hung SQS endpoint", () => {
  let queues: LocalQueues;
  let stalling: StallingSqs;
  const saved = { ...process.env };
  beforeAll(async () => {
    queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  });
  afterAll(async () => {
    process.env = saved;
    await queues.close();
  });
  beforeEach(async () => {
    await takeAll(queues.client, queues.eventsQueueUrl);
  });

  it("makes the SDK throw at the request timeout, not just warn (throwOnRequestTimeout)", async () => {
    stalling = await startStallingSqs(queues.endpoint, 0);
    const client = timedSqsClient({
      region: "us-east-1",
      endpoint: stalling.endpoint,
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
      maxAttempts: 1,
    });
    try {
      const started = Date.now();
      const send = client.send(
        new SendMessageBatchCommand({
          QueueUrl: `${stalling.endpoint}/123456789012/tiktok-relay-events`,
          Entries: [{ Id: "0", MessageBody: "{}" }],
        }),
      );
      await expect(send).rejects.toMatchObject({ name: "TimeoutError" });
      expect(Date.now() - started).toBeLessThan(SQS_REQUEST_TIMEOUT_MS + 1500);
      expect(stalling.stalled()).toBe(1);
    } finally {
      client.destroy();
      await stalling.close();
    }
  });

  it("gets the caller a 503 naming what was and was not queued, within the ingest function's timeout", async () => {
    // 100 events are 10 SendMessageBatch calls: SQS takes the first 5, then stops answering.
    stalling = await startStallingSqs(queues.endpoint, 5);
    process.env = {
      ...saved,
      ...lambdaEnv(stalling.endpoint, {
        POWERTOOLS_METRICS_NAMESPACE: "TikTokEventsRelay/Test",
        EVENTS_QUEUE_URL: `${stalling.endpoint}/123456789012/tiktok-relay-events`,
        TIKTOK_PIXEL_CODE: PIXEL,
      }),
    };
    vi.resetModules();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const { handler } = (await import("../../lambdas/ingest/index")) as {
        handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
      };
      const timeoutMs = INGEST_TIMEOUT.toMilliseconds();
      const started = Date.now();
      const context = { functionName: "ingest", awsRequestId: "r1", getRemainingTimeInMillis: () => started + timeoutMs - Date.now() };
      const ids = Array.from({ length: 100 }, (_, i) => `order-${i}`);
      const response = await handler(apiEvent({ data: ids.map((id) => ({ event: "Lead", event_id: id })) }), context as Context);
      const elapsed = Date.now() - started;

      expect(response.statusCode).toBe(503);
      expect(elapsed).toBeLessThan(timeoutMs);
      const body = JSON.parse(response.body) as { enqueued: string[]; not_enqueued: string[] };
      expect(body.not_enqueued.length).toBeGreaterThan(0);
      expect([...body.enqueued, ...body.not_enqueued].sort()).toEqual([...ids].sort());
      // What it calls enqueued is in the queue, and nothing else is.
      const queued = (await takeAll(queues.client, queues.eventsQueueUrl)).map((m) => JSON.parse(m.Body!).event.event_id as string);
      expect(queued.sort()).toEqual([...body.enqueued].sort());
      expect(stalling.stalled()).toBeGreaterThan(0);
    } finally {
      warn.mockRestore();
      write.mockRestore();
      await stalling.close();
    }
  });
});
