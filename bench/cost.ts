import { accessLogFormat, HTTP_ACCESS_LOG_FIELDS, REST_ACCESS_LOG_FIELDS } from "../lib/access-log";
import { RELAY_CONFIG_DEFAULTS } from "../lib/config";
import { startChild } from "./child";
import type { EntryFigures } from "./entries";
import type { QueueEndpoints } from "./peers";
import { bullets, ms, num, type SectionReport, table, usd } from "./report";

// Dollars per million events for the deployed stack: published prices × what one request costs, with the
// Lambda durations and log bytes measured by running the Lambda entry files themselves (bench/entries.ts).

/**
 * Published AWS list prices, us-east-1, as assumed on 2025-06-01 (aws.amazon.com/{api-gateway,lambda,sqs,
 * cloudwatch,secrets-manager,ec2}/pricing). Check them before quoting. Free tiers are left out: they are
 * per account, not per relay.
 */
export const PRICES = {
  asOf: "2025-06-01",
  /** REST API, first 333 million requests a month. */
  apiGatewayRestPerRequest: 3.5 / 1e6,
  /** HTTP API, first 300 million requests a month (each 512 KB of a request is billed as one). */
  apiGatewayHttpPerRequest: 1.0 / 1e6,
  /** Lambda on arm64, first 7.5 billion GB-seconds a month. */
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  /** SQS standard queue: each 64 KB chunk of a request's payload is billed as one request. */
  sqsPerRequest: 0.4 / 1e6,
  sqsChunkBytes: 64 * 1024,
  /** CloudWatch Logs ingestion, standard class (storage, $0.03/GB-month, is left out). */
  logsIngestionPerGb: 0.5,
  /** Secrets Manager API calls: read once per warm container per 300 s (lambdas/aws/secret.ts), not per event. */
  secretsManagerPerCall: 0.05 / 10_000,
  /** Data transfer out to the internet (Lambda → TikTok), first 10 TB a month. */
  dataTransferOutPerGb: 0.09,
} as const;

const GB = 1024 ** 3;

/** How the measurements here become a Lambda bill: each one is printed with the result. */
const ASSUMPTIONS = {
  /** Lambda gives a function CPU in proportion to its memory; 1,769 MB is one full vCPU. */
  fullVcpuMb: 1769,
  /** From lib/config.ts; the authorizer's 256 MB is fixed in lib/ingest-functions.ts. */
  ingestMemoryMb: RELAY_CONFIG_DEFAULTS.ingestMemoryMb,
  senderMemoryMb: RELAY_CONFIG_DEFAULTS.senderMemoryMb,
  authorizerMemoryMb: 256,
  authorizerCacheSeconds: RELAY_CONFIG_DEFAULTS.authorizerCacheSeconds,
  /** A busy relay: the event source hands the sender full batches. */
  senderBatch: RELAY_CONFIG_DEFAULTS.senderBatchSize,
  /** One SendMessageBatch inside us-east-1. */
  sqsRoundTripMs: 10,
  /** lambdas/aws/sqs-batches.ts sends up to 8 SendMessageBatch calls at once. */
  sqsParallelBatches: 8,
  /** One 1,000-event POST from us-east-1 to business-api.tiktok.com. */
  tiktokRoundTripMs: 300,
  /** What SQS adds per received message (receipt handle, ids, MD5s, attributes) to a ReceiveMessage answer. */
  receiveOverheadBytes: 600,
} as const;

// What Lambda and API Gateway themselves write per request (the function's own lines are measured). The ingest
// function's system log level is WARN (lib/ingest-functions.ts): Lambda writes none of these for it. The sender
// keeps them (INFO), once per batch.
const PLATFORM_LINES =
  "START RequestId: c6af9ac6-7b61-11e6-9a41-93e812345678 Version: $LATEST\n" +
  "END RequestId: c6af9ac6-7b61-11e6-9a41-93e812345678\n" +
  "REPORT RequestId: c6af9ac6-7b61-11e6-9a41-93e812345678\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 97 MB\t\n";
/** What API Gateway puts in the access log's variables for a 202 to POST /events ("-" when a value is empty). */
const CONTEXT_SAMPLE: Record<string, string> = {
  "$context.requestTimeEpoch": "1767225600000",
  "$context.status": "202",
  "$context.responseLatency": "23",
  "$context.responseLength": "78",
  "$context.httpMethod": "POST",
  "$context.resourcePath": "/events",
  "$context.routeKey": "POST /events",
  "$context.authorizer.error": "-",
  "$context.integrationErrorMessage": "-",
};
/** The access log's own format (lib/access-log.ts) filled in as API Gateway would: its byte count is what is billed. */
const accessLogLine = (fields: Record<string, string>, requestId: string) =>
  `${accessLogFormat(fields)
    .replace("$context.requestId", requestId)
    .replace(/\$context\.[A-Za-z.]+/g, (variable) => CONTEXT_SAMPLE[variable] ?? "-")}\n`;
const ACCESS_LOG_LINE = accessLogLine(REST_ACCESS_LOG_FIELDS, "c6af9ac6-7b61-11e6-9a41-93e812345678");
const HTTP_ACCESS_LOG_LINE = accessLogLine(HTTP_ACCESS_LOG_FIELDS, "Jx1bZhYaIAMEVxw=");
/** Lambda's platform lines per ingest invocation: none at system log level WARN. */
const INGEST_PLATFORM_BYTES = 0;

export type ApiFlavourCost = "rest" | "http";

export interface CostInputs {
  /** Bytes of one queue message (body + event_name attribute), as the ingest handler makes it. */
  queueMessageBytes: number;
  /** Bytes TikTok receives per event in a 1,000-event request. */
  tiktokBytesPerEvent: number;
  latencyMs: number;
}

export interface CostOptions {
  /** Warm invocations timed per entry and request size. */
  runs: number;
}

interface Scenario {
  name: string;
  eventsPerRequest: number;
  entry: EntryFigures;
  api: ApiFlavourCost;
}

/** Billed milliseconds of one invocation: CPU measured here, stretched to the function's share of a vCPU, plus waiting. */
function billedMs(cpuMsHere: number, memoryMb: number, waitingMs: number): { cpu: number; billed: number } {
  const cpu = cpuMsHere * Math.max(1, ASSUMPTIONS.fullVcpuMb / memoryMb);
  return { cpu, billed: Math.ceil(cpu + waitingMs) };
}

const lambdaDuration = (billed: number, memoryMb: number) => (billed / 1000) * (memoryMb / 1024) * PRICES.lambdaArm64PerGbSecond;
const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / PRICES.sqsChunkBytes));

export async function benchCost(
  inputs: CostInputs,
  options: CostOptions,
  progress: (line: string) => void,
): Promise<SectionReport & { batchedPerEvent: number; ingestBilledMs: { single: number; hundred: number } }> {
  progress("cost: timing the Lambda entry files (warm) and capturing their log lines");
  const peers = await startChild("./peers.ts");
  let ingest1: EntryFigures;
  let ingest100: EntryFigures;
  let sender: EntryFigures;
  try {
    const queues = await peers.call<QueueEndpoints>("startQueues");
    const tiktokUrl = await peers.call<string>("startTikTok", { latencyMs: inputs.latencyMs });
    const entries = await startChild("./entries.ts", {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      EVENTS_QUEUE_URL: queues.eventsQueueUrl,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      TIKTOK_PIXEL_CODE: "C4BENCHPIXEL0000001",
      TIKTOK_API_URL: tiktokUrl,
      TIKTOK_ACCESS_TOKEN_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:tiktok-token-AbCdEf",
      POWERTOOLS_METRICS_NAMESPACE: "TikTokEventsRelay/TikTokEventsRelay",
      POWERTOOLS_LOG_LEVEL: "INFO",
      BENCH_INGEST_MEMORY_MB: String(ASSUMPTIONS.ingestMemoryMb),
      BENCH_SENDER_MEMORY_MB: String(ASSUMPTIONS.senderMemoryMb),
    });
    try {
      ingest1 = await entries.call<EntryFigures>("ingest", { size: 1, runs: options.runs * 10 });
      ingest100 = await entries.call<EntryFigures>("ingest", { size: 100, runs: options.runs });
      sender = await entries.call<EntryFigures>("sender", {
        size: ASSUMPTIONS.senderBatch,
        runs: Math.max(3, Math.round(options.runs / 3)),
      });
    } finally {
      await entries.stop();
    }
  } finally {
    await peers.stop();
  }

  const perEvent = (scenario: Scenario) => {
    const n = scenario.eventsPerRequest;
    const requests = 1 / n; // API requests per event
    const messageBytes = inputs.queueMessageBytes + 30; // + the event_name attribute
    const sendBatches = Math.ceil(n / 10);
    const ingestTime = billedMs(
      scenario.entry.cpuMs,
      ASSUMPTIONS.ingestMemoryMb,
      Math.ceil(sendBatches / ASSUMPTIONS.sqsParallelBatches) * ASSUMPTIONS.sqsRoundTripMs,
    );
    const senderTime = billedMs(sender.cpuMs, ASSUMPTIONS.senderMemoryMb, ASSUMPTIONS.tiktokRoundTripMs);
    const perSenderRun = 1 / ASSUMPTIONS.senderBatch;
    const accessLog = scenario.api === "http" ? HTTP_ACCESS_LOG_LINE : ACCESS_LOG_LINE;
    const logBytes =
      requests * (scenario.entry.logBytes + INGEST_PLATFORM_BYTES + accessLog.length) +
      perSenderRun * (sender.logBytes + PLATFORM_LINES.length);
    const http = scenario.api === "http";
    const items: [string, number, string][] = [
      [
        "API Gateway requests",
        requests * (http ? PRICES.apiGatewayHttpPerRequest : PRICES.apiGatewayRestPerRequest),
        `${http ? "HTTP API $1.00" : "REST API $3.50"} per million requests, ${n === 1 ? "one event" : `${num(n)} events`} per request`,
      ],
      ["ingest Lambda: requests", requests * PRICES.lambdaPerRequest, "one invocation per API request"],
      [
        "ingest Lambda: duration",
        requests * lambdaDuration(ingestTime.billed, ASSUMPTIONS.ingestMemoryMb),
        `${ingestTime.billed} ms billed at ${ASSUMPTIONS.ingestMemoryMb} MB = ${ms(scenario.entry.cpuMs)} CPU here × ${num(ASSUMPTIONS.fullVcpuMb / ASSUMPTIONS.ingestMemoryMb)} + ${Math.ceil(sendBatches / ASSUMPTIONS.sqsParallelBatches)} × ${ASSUMPTIONS.sqsRoundTripMs} ms SQS`,
      ],
      [
        "SQS SendMessageBatch (ingest)",
        requests * sendBatches * chunks(Math.min(10, n) * messageBytes) * PRICES.sqsPerRequest,
        `${sendBatches === 1 ? "one call" : `${sendBatches} calls`} of ≤ 10 messages (${num(messageBytes)} B each) per request`,
      ],
      [
        "SQS ReceiveMessage + DeleteMessageBatch (event source)",
        (chunks(10 * (messageBytes + ASSUMPTIONS.receiveOverheadBytes)) + 1) * 0.1 * PRICES.sqsPerRequest,
        "10 messages per receive, 10 per delete",
      ],
      [
        "sender Lambda: requests",
        perSenderRun * PRICES.lambdaPerRequest,
        `one invocation per ${num(ASSUMPTIONS.senderBatch)} events (full batches)`,
      ],
      [
        "sender Lambda: duration",
        perSenderRun * lambdaDuration(senderTime.billed, ASSUMPTIONS.senderMemoryMb),
        `${senderTime.billed} ms billed per ${num(ASSUMPTIONS.senderBatch)} events = ${ms(sender.cpuMs)} CPU here × ${num(ASSUMPTIONS.fullVcpuMb / ASSUMPTIONS.senderMemoryMb)} + ${ASSUMPTIONS.tiktokRoundTripMs} ms TikTok`,
      ],
      [
        "CloudWatch Logs ingestion",
        (logBytes / GB) * PRICES.logsIngestionPerGb,
        `${num(scenario.entry.logBytes + INGEST_PLATFORM_BYTES + accessLog.length)} B per request (function ${num(scenario.entry.logBytes)} B in ${num(scenario.entry.logLines)} lines, no Lambda START/END/REPORT at system level WARN, ${http ? "HTTP" : "REST"} API access log ${accessLog.length} B) + sender ${num(sender.logBytes + PLATFORM_LINES.length)} B per ${num(ASSUMPTIONS.senderBatch)} events`,
      ],
      [
        "data transfer out to TikTok",
        (inputs.tiktokBytesPerEvent / GB) * PRICES.dataTransferOutPerGb,
        `${num(inputs.tiktokBytesPerEvent)} B per event at $0.09/GB`,
      ],
      [
        "authorizer Lambda (decision cached 300 s per key)",
        0,
        `≤ ${num(86_400 / ASSUMPTIONS.authorizerCacheSeconds)} runs a day per key: a fixed < $0.01 a month`,
      ],
      ["Secrets Manager reads (cached 300 s per container)", 0, "a fixed few hundred calls a day at most: < $0.05 a month"],
    ];
    return { items, total: items.reduce((sum, [, dollars]) => sum + dollars, 0), ingestBilledMs: ingestTime.billed };
  };

  // The HTTP API hands the same function a payload-2.0 event: the same work and the same log lines, so the
  // measured REST figures stand for it too; only the API's price and access log line differ.
  const scenarios: Scenario[] = [
    { name: "single events", eventsPerRequest: 1, entry: ingest1, api: "rest" },
    { name: "batches of 100", eventsPerRequest: 100, entry: ingest100, api: "rest" },
    { name: "single events, HTTP API", eventsPerRequest: 1, entry: ingest1, api: "http" },
  ];
  const [single, batched, singleHttp] = scenarios.map(perEvent) as ReturnType<typeof perEvent>[] as [
    ReturnType<typeof perEvent>,
    ReturnType<typeof perEvent>,
    ReturnType<typeof perEvent>,
  ];
  const perMillion = (dollars: number) => usd(dollars * 1e6);
  const apiShare = single.items[0]![1] / single.total;

  return {
    batchedPerEvent: batched.total,
    ingestBilledMs: { single: single.ingestBilledMs, hundred: batched.ingestBilledMs },
    title: "Cost model ($ per million events, us-east-1)",
    summary: [
      {
        section: "Cost",
        figure: "$ per million events, posted one per request (REST API, the default)",
        measured: perMillion(single.total),
        against: `API Gateway REST alone: ${perMillion(single.items[0]![1])} (${num(apiShare * 100, 2)}% of it)`,
        target: "≤ $4.50",
        met: single.total * 1e6 <= 4.5,
      },
      {
        section: "Cost",
        figure: "$ per million events, posted one per request (HTTP API, -c api=http)",
        measured: perMillion(singleHttp.total),
        against: `REST API: ${perMillion(single.total)}; HTTP API alone: ${perMillion(singleHttp.items[0]![1])}`,
        target: "≤ $2.25",
        met: singleHttp.total * 1e6 <= 2.25,
      },
      {
        section: "Cost",
        figure: "$ per million events, posted 100 per request",
        measured: perMillion(batched.total),
        against: `single events: ${perMillion(single.total)} (${num(single.total / batched.total)}× more)`,
        target: "< $0.50",
        met: batched.total * 1e6 < 0.5,
      },
    ],
    detail: [
      table(
        ["line item", "single events", "basis", "batches of 100", "basis", "single events, HTTP API", "basis"],
        [
          ...single.items.map(([name, dollars, basis], i) => {
            const [, batchedDollars, batchedBasis] = batched.items[i]!;
            const [, httpDollars, httpBasis] = singleHttp.items[i]!;
            return [
              name,
              perMillion(dollars),
              basis,
              perMillion(batchedDollars),
              batchedBasis === basis ? "same" : batchedBasis,
              perMillion(httpDollars),
              httpBasis === basis ? "same" : httpBasis,
            ];
          }),
          [
            "**total**",
            `**${perMillion(single.total)}**`,
            "",
            `**${perMillion(batched.total)}**`,
            "",
            `**${perMillion(singleHttp.total)}**`,
            "",
          ],
        ],
      ),
      "",
      `**The API is the floor for single events**: API Gateway REST charges $3.50 per million requests and an HTTP API $1.00, so one event per request costs at least that before anything else runs. A caller that posts 100 events per request pays ${perMillion(batched.items[0]![1])} per million events for the REST API.`,
      "",
      "Assumptions:",
      bullets([
        `Prices: published us-east-1 list prices as of ${PRICES.asOf} (bench/cost.ts, PRICES): API Gateway REST $3.50/M requests and HTTP API $1.00/M (first tiers), Lambda arm64 $0.0000133334/GB-s and $0.20/M requests, SQS standard $0.40/M requests (per 64 KB chunk), CloudWatch Logs ingestion $0.50/GB, Secrets Manager $0.05 per 10,000 calls, data out to the internet $0.09/GB. No free tier.`,
        `Lambda duration: the CPU time of one warm invocation of the entry file (middy, Powertools logger and metrics, the SDK's SQS client against the embedded server; ${ingest1.invocations}, ${ingest100.invocations} and ${sender.invocations} invocations, median), stretched by ${num(ASSUMPTIONS.fullVcpuMb)} MB ÷ the function's memory because Lambda gives a function that share of a vCPU (ingest and sender ${ASSUMPTIONS.ingestMemoryMb} MB from lib/config.ts), assuming one Lambda arm64 vCPU does the work of one core here; plus waiting, which memory does not speed up: ${ASSUMPTIONS.sqsRoundTripMs} ms per wave of up to ${ASSUMPTIONS.sqsParallelBatches} SendMessageBatch calls, ${ASSUMPTIONS.tiktokRoundTripMs} ms per 1,000-event TikTok request. Rounded up to whole milliseconds per invocation, as billed. Cold starts (the init phase is billed too) are left out: how often they happen depends on traffic, not on events.`,
        `SQS: the ingest function sends one message per event in batches of 10; the event source receives 10 at a time and deletes 10 at a time; each call is one billed request per 64 KB of payload (a message is ${num(inputs.queueMessageBytes)} B). The sender gets full batches of ${num(ASSUMPTIONS.senderBatch)} (a busy relay; a quiet one sends smaller batches, which costs more per event but little in all). Retries, DLQ moves and the event source's empty long polls (a fixed cost of roughly $0.25 a month) are left out.`,
        `Logs: the function's own lines are what the entry wrote to stdout per warm invocation, measured (single events: ${num(ingest1.logLines)} lines, ${num(ingest1.logBytes)} B; 100-event requests: ${num(ingest100.logLines)} lines, ${num(ingest100.logBytes)} B; see the sample below); the ingest function runs at system log level WARN, so Lambda writes no START/END/REPORT for it (the sender keeps them: ${PLATFORM_LINES.length} B per batch); the APIs' JSON access log lines (lib/rest-edge.ts, lib/http-edge.ts) are their formats filled in for a 202, ${ACCESS_LOG_LINE.length} B and ${HTTP_ACCESS_LOG_LINE.length} B. The REST API's execution logs are at ERROR level and write nothing for a 202.`,
        "Fixed monthly costs, not per event, are left out: the three secrets ($0.40 each), the alarms ($0.10 each) and the dashboard ($3 beyond the account's three free ones).",
      ]),
      "",
      `What one single-event request leaves in the logs: the REST API's access log line; the ingest function wrote ${ingest1.logLines === 0 ? "nothing (a request that went through as sent is logged only at DEBUG)" : `${num(ingest1.logLines)} lines`}:`,
      "",
      "```",
      ACCESS_LOG_LINE.trim(),
      ...(ingest1.sample.trim() ? [ingest1.sample.trim()] : []),
      "```",
      "",
      `What the sender writes per ${num(ASSUMPTIONS.senderBatch)} events besides Lambda's START/END/REPORT (EMF metric lines are log lines, billed as such; the delivered event ids shortened here):`,
      "",
      "```",
      shortenIds(sender.sample.trim()),
      "```",
    ].join("\n"),
  };
}

/** A log sample with each list of event ids cut to its first three: the bytes are counted whole, the page shows the shape. */
function shortenIds(sample: string): string {
  return sample.replace(/"eventIds":\[([^\]]*)\]/g, (_, ids: string) => {
    const list = ids.split(",");
    return `"eventIds":[${list.slice(0, 3).join(",")}${list.length > 3 ? `,… ${num(list.length - 3)} more` : ""}]`;
  });
}
