import { readFileSync } from "node:fs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { keyId } from "../../lambdas/authorizer/authorize";
import { signBody } from "../../lambdas/woocommerce/signature";
import { httpApiEvent, proxyEvent } from "../../local/http-api";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { lambdaEnv } from "../support/lambda-env";
import { takeAll } from "../support/queues";

// The Lambda entries behind either API flavour (-c api=rest|http): the same entry file takes a REST proxy
// event or an HTTP API payload 2.0 event and answers in the matching shape. Secrets Manager alone is mocked.

const secrets = mockClient(SecretsManagerClient);
const KEY_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shapes-ingest-key-AbCdEf";
const WEBHOOK_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shapes-woo-secret-AbCdEf";
const context = { functionName: "test", awsRequestId: "req-1", getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const saved = { ...process.env };
type Shape = "rest" | "http";
type Entry = (event: unknown, context: Context) => Promise<{ statusCode?: number; body?: string }>;

const eventOf = (
  shape: Shape,
  path: string,
  headers: Record<string, string>,
  body: string,
): APIGatewayProxyEvent | APIGatewayProxyEventV2 =>
  shape === "http" ? httpApiEvent("POST", path, headers, body, false) : proxyEvent("POST", path, headers, body, false);

let queues: LocalQueues;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(async () => {
  process.env = saved;
  await queues.close();
});
beforeEach(() => {
  secrets.reset();
  vi.resetModules();
  process.env = {
    ...saved,
    ...lambdaEnv(queues.endpoint, {
      POWERTOOLS_METRICS_DISABLED: "true",
      EVENTS_QUEUE_URL: queues.eventsQueueUrl,
      INGEST_API_KEY_SECRET_ARN: KEY_ARN,
      WOOCOMMERCE_WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
      TIKTOK_PIXEL_CODE: "C4PIXEL0000000000001",
    }),
  };
});

describe.each(["rest", "http"] as const)("Lambda entries behind a %s API", (shape) => {
  it("ingest: 202 with the id, the event queued, the key id from the authorizer read from the event", async () => {
    const { handler } = (await import("../../lambdas/ingest/index")) as { handler: Entry };
    const body = JSON.stringify({ event: "Lead", event_id: `lead-${shape}`, user: { email: "x@y.zz" } });
    const event = eventOf(shape, "/events", { Authorization: "Bearer k", "Content-Type": "application/json" }, body);
    const response = await handler(event, context);
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body!)).toEqual({ accepted: 1, event_ids: [`lead-${shape}`], warnings: [] });
    const queued = (await takeAll(queues.client, queues.eventsQueueUrl)).map((message) => JSON.parse(message.Body!));
    expect(queued).toEqual([
      { destination: { source: "web", id: "C4PIXEL0000000000001" }, event: expect.objectContaining({ event_id: `lead-${shape}` }) },
    ]);
  });

  it("ingest: the same JSON error for a body that is not JSON (base64 body decoded as the API sends it)", async () => {
    const { handler } = (await import("../../lambdas/ingest/index")) as { handler: Entry };
    const event =
      shape === "http"
        ? httpApiEvent("POST", "/events", { authorization: "Bearer k" }, Buffer.from("{nope").toString("base64"), true)
        : proxyEvent("POST", "/events", { Authorization: "Bearer k" }, Buffer.from("{nope").toString("base64"), true);
    const response = await handler(event, context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!)).toHaveProperty("error");
  });

  it("woocommerce: a signed order is accepted and queued", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN }).resolves({ SecretString: "woo-secret" });
    const order = JSON.parse(readFileSync(new URL("../fixtures/woocommerce/order-guest-processing.json", import.meta.url), "utf8"));
    order.date_paid_gmt = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
    const body = JSON.stringify(order);
    const { handler } = (await import("../../lambdas/woocommerce/index")) as { handler: Entry };
    const headers = { "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": signBody(body, "woo-secret") };
    const response = await handler(eventOf(shape, "/woocommerce", headers, body), context);
    expect(JSON.parse(response.body!)).toMatchObject({ accepted: 1 });
    expect(await takeAll(queues.client, queues.eventsQueueUrl)).toHaveLength(1);
  });

  it("woocommerce: a bad signature is refused the same way", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN }).resolves({ SecretString: "woo-secret" });
    const { handler } = (await import("../../lambdas/woocommerce/index")) as { handler: Entry };
    const headers = { "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": signBody("{}", "other") };
    const response = await handler(eventOf(shape, "/woocommerce", headers, '{"id":1}'), context);
    expect(response.statusCode).toBe(401);
    expect(await takeAll(queues.client, queues.eventsQueueUrl)).toHaveLength(0);
  });
});

describe("authorizer Lambda entry, both shapes", () => {
  it("answers a REST request authorizer with a policy and an HTTP API (payload 2.0) with a simple response", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: KEY_ARN }).resolves({ SecretString: "old-key, new-key" });
    const { handler } = (await import("../../lambdas/authorizer/index")) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    const methodArn = "arn:aws:execute-api:us-east-1:123456789012:abc/v1/POST/events";
    const routeArn = "arn:aws:execute-api:us-east-1:123456789012:abc/$default/POST/events";
    const v2 = (authorization: string) => ({
      version: "2.0",
      type: "REQUEST",
      routeArn,
      identitySource: [authorization],
      headers: { authorization },
    });

    await expect(handler({ headers: { Authorization: "Bearer new-key" }, methodArn }, context)).resolves.toMatchObject({
      principalId: "ingest-key",
    });
    await expect(handler(v2("Bearer new-key"), context)).resolves.toEqual({ isAuthorized: true, context: { keyId: keyId("new-key") } });
    await expect(handler(v2("Bearer old-key"), context)).resolves.toMatchObject({ isAuthorized: true });
    // An HTTP API cannot map a thrown "Unauthorized" to 401: a refusal is isAuthorized false (a 403, cached per key).
    await expect(handler(v2("Bearer other"), context)).resolves.toEqual({ isAuthorized: false, context: {} });
    await expect(handler({ headers: { Authorization: "Bearer other" }, methodArn }, context)).rejects.toThrow("Unauthorized");
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("fails (a 500 the caller retries, never an allow) when the keys cannot be read", async () => {
    // Another secret: a value read by the previous test is still in the parameters cache.
    const unreadable = `${KEY_ARN}-denied`;
    process.env.INGEST_API_KEY_SECRET_ARN = unreadable;
    secrets.on(GetSecretValueCommand, { SecretId: unreadable }).rejects(new Error("AccessDeniedException"));
    const { handler } = (await import("../../lambdas/authorizer/index")) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    const event = { version: "2.0", type: "REQUEST", routeArn: "arn:x/$default/POST/events", headers: { authorization: "Bearer k" } };
    await expect(handler(event, context)).rejects.toThrow();
  });
});
