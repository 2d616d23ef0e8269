import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  CUSTOM_EVENT_DIMENSION_VALUE,
  INGEST_REFUSAL_REASONS,
  WEBHOOK_REFUSAL_REASONS,
  WEBHOOK_SKIP_REASONS,
} from "../../lambdas/contract";
import { STANDARD_EVENTS } from "../../lambdas/core/event-names";
import { signBody } from "../../lambdas/woocommerce/signature";
import { toRecord } from "../../local/event-source";
import { proxyEvent } from "../../local/http-api";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { apiEvent } from "../support/api-event";
import { startFakeTikTok } from "../support/fake-tiktok";
import { lambdaEnv } from "../support/lambda-env";
import { takeAll } from "../support/queues";

// CloudWatch bills every distinct combination of metric name and dimension values as a custom metric, every
// month. Callers choose field names, pixel codes and (with ALLOW_CUSTOM_EVENTS) event names: 1,000 hostile
// requests through the real Lambda entries must produce a small, fixed number of combinations, each value
// from the contract's lists or the operator's configuration. The events accepted go on through the sender entry,
// which counts their match quality by destination and event name.

const PIXEL = "C4PIXEL0000000000001";
const WEBHOOK_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:woo-secret-AbCdEf";
// Its own ARN: Powertools caches a secret per ARN for the life of the process, which other test files share.
const TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tiktok-token-cardinality-AbCdEf";
const context = { functionName: "test", awsRequestId: "req-1" } as Context;
type Entry = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

/** A fixed-seed generator: the same hostile requests on every run. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const word = (min: number, max: number, alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") =>
    Array.from({ length: min + Math.floor(next() * (max - min + 1)) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  return { next, word, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

/**
 * From the EMF lines written to stdout: every combination of dimension values (a dimension set), every metric
 * name with one (what CloudWatch bills), and the values seen per dimension.
 */
function metricSeries(lines: string[]): { dimensionSets: Set<string>; series: Set<string>; values: Map<string, Set<string>> } {
  const dimensionSets = new Set<string>();
  const series = new Set<string>();
  const values = new Map<string, Set<string>>();
  for (const line of lines.flatMap((chunk) => chunk.split("\n")).filter((l) => l.includes('"_aws"'))) {
    const entry = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    };
    for (const directive of entry._aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions) {
        const dims = dimensionSet.map((name) => `${name}=${String(entry[name])}`).sort();
        dimensionSets.add(dims.join(","));
        for (const name of dimensionSet) {
          if (!values.has(name)) values.set(name, new Set());
          values.get(name)!.add(String(entry[name]));
        }
        for (const metric of directive.Metrics) series.add(`${metric.Name}{${dims.join(",")}}`);
      }
    }
  }
  return { dimensionSets, series, values };
}

async function capture(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  // Powertools' notice for an invocation that only published single metrics.
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    await run();
  } finally {
    write.mockRestore();
    warn.mockRestore();
  }
  return lines;
}

const saved = { ...process.env };
let queues: LocalQueues;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  process.env = {
    ...saved,
    ...lambdaEnv(queues.endpoint, {
      POWERTOOLS_METRICS_NAMESPACE: "TikTokEventsRelay/Test",
      EVENTS_QUEUE_URL: queues.eventsQueueUrl,
      TIKTOK_PIXEL_CODE: PIXEL,
      // Callers may then invent event names too.
      ALLOW_CUSTOM_EVENTS: "true",
      WOOCOMMERCE_WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
      TIKTOK_ACCESS_TOKEN_SECRET_ARN: TOKEN_ARN,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
    }),
  };
  vi.resetModules();
});
afterAll(async () => {
  process.env = saved;
  await queues.close();
});

describe("metric dimensions under hostile input", () => {
  it("1,000 requests with random field names, pixel codes and event names make a small fixed number of metrics", async () => {
    process.env.POWERTOOLS_SERVICE_NAME = "tiktok-relay-ingest";
    const { handler } = (await import("../../lambdas/ingest/index")) as { handler: Entry };
    const rng = random(13);
    const now = Math.floor(Date.now() / 1000);
    const statuses = new Map<number, number>();
    const lines = await capture(async () => {
      for (let i = 0; i < 1000; i++) {
        const kind = i % 6;
        const event = (extra: Record<string, unknown> = {}) => ({
          event: rng.next() < 0.5 ? rng.word(3, 30) : rng.pick(STANDARD_EVENTS),
          event_id: `e-${i}`,
          event_time: now - 60,
          user: { email: `${rng.word(3, 8)}@example.com` },
          ...extra,
        });
        const body =
          kind === 0
            ? // a caller's own pixel on every event
              { data: [event({ pixel_code: rng.word(10, 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") })] }
            : kind === 1
              ? // a batch pixel, and events with random unknown fields (nothing is accepted: 400)
                { pixel_code: rng.word(10, 20, "ABCDEF0123456789"), data: [event({ [rng.word(1, 40)]: 1 })] }
              : kind === 2
                ? { data: [event({ user: { [rng.word(1, 40)]: "x" } })] }
                : kind === 3
                  ? // unknown envelope fields
                    { data: [event()], [rng.word(1, 40)]: true }
                  : kind === 4
                    ? // invalid values in random places
                      { data: [event({ properties: { [rng.pick(["value", "currency", rng.word(2, 9)])]: rng.word(1, 5) } })] }
                    : // the operator's pixel
                      event();
        const response = await handler(apiEvent(body, {}), context);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      }
    });
    // The requests really were accepted and refused in many ways.
    expect(statuses.get(202)).toBeGreaterThan(150);
    expect(statuses.get(400)).toBeGreaterThan(400);

    // Match quality is the sender's to count, for the events TikTok took: send every accepted one.
    const queued = await takeAll(queues.client, queues.eventsQueueUrl);
    expect(queued.length).toBe(statuses.get(202));
    const tiktok = await startFakeTikTok();
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({ SecretString: "token" });
    process.env.TIKTOK_API_URL = tiktok.url;
    process.env.POWERTOOLS_SERVICE_NAME = "tiktok-relay-sender";
    const sender = (await import("../../lambdas/sender/index")) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    try {
      lines.push(
        ...(await capture(async () => {
          const response = await sender.handler({ Records: queued.map((message) => toRecord(message, queues.eventsQueueArn)) }, context);
          expect(response.batchItemFailures).toEqual([]);
        })),
      );
      expect(tiktok.requests.flatMap((request) => (request.body as { data: unknown[] }).data)).toHaveLength(queued.length);
    } finally {
      secrets.restore();
      await tiktok.close();
    }

    const { dimensionSets, series, values } = metricSeries(lines);
    expect(values.get("Destination")).toEqual(new Set([`web:${PIXEL}`, "web:other"]));
    for (const name of values.get("EventName") ?? []) expect([...STANDARD_EVENTS, CUSTOM_EVENT_DIMENSION_VALUE]).toContain(name);
    for (const reason of values.get("Reason") ?? []) expect(INGEST_REFUSAL_REASONS).toContain(reason);
    // Bounded by construction, whatever callers send: the configured pixel and "other", each with a standard
    // event name or "custom"; a refusal reason from the contract's list; match quality's purchase totals and the
    // sender's totals without either.
    const bound = 2 * (STANDARD_EVENTS.length + 1) + INGEST_REFUSAL_REASONS.length + 2;
    expect(dimensionSets.size).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(80);
    // 12 match-quality figures per destination and event name, a few counts otherwise.
    expect(series.size).toBeLessThanOrEqual(12 * 2 * (STANDARD_EVENTS.length + 1) + INGEST_REFUSAL_REASONS.length + 8);
    const refusals = [...series].filter((s) => s.startsWith("EventsRefused"));
    expect(refusals.length).toBeLessThanOrEqual(5);
  });

  it("WooCommerce deliveries with random signatures and topics count under fixed reasons", async () => {
    process.env.POWERTOOLS_SERVICE_NAME = "tiktok-relay-woocommerce";
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN }).resolves({ SecretString: "woo-secret" });
    vi.resetModules();
    const { handler } = (await import("../../lambdas/woocommerce/index")) as { handler: Entry };
    const rng = random(31);
    const lines = await capture(async () => {
      for (let i = 0; i < 200; i++) {
        const body = JSON.stringify({ id: i, status: rng.word(3, 12), [rng.word(1, 30)]: rng.word(1, 30) });
        const signature =
          i % 4 === 0 ? undefined : i % 4 === 1 ? rng.word(10, 60) : signBody(body, i % 4 === 2 ? rng.word(5, 20) : "woo-secret");
        const headers: Record<string, string> = { "X-WC-Webhook-Topic": rng.pick(["order.updated", rng.word(3, 20)]) };
        if (signature) headers["X-WC-Webhook-Signature"] = signature;
        await handler(proxyEvent("POST", "/woocommerce", headers, body, false), context);
      }
    });
    secrets.restore();
    const { dimensionSets, values } = metricSeries(lines);
    for (const reason of values.get("Reason") ?? []) expect([...WEBHOOK_REFUSAL_REASONS, ...WEBHOOK_SKIP_REASONS]).toContain(reason);
    expect(values.get("Reason")?.size).toBeGreaterThanOrEqual(3);
    expect(dimensionSets.size).toBeLessThanOrEqual(WEBHOOK_REFUSAL_REASONS.length + WEBHOOK_SKIP_REASONS.length + 2);
  });
});
