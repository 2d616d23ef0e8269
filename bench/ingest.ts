import { createHash } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyResult } from "aws-lambda";
import { restHandler } from "../lambdas/aws/api-gateway";
import { sqsEventQueue } from "../lambdas/aws/sqs-event-queue";
import { readIngestConfig } from "../lambdas/core/config";
import type { EventQueue } from "../lambdas/core/event-queue";
import { sha256Hex } from "../lambdas/core/hashing";
import { silentLog } from "../lambdas/core/log";
import { createIngestHandler } from "../lambdas/ingest/ingest";
import { sqsClientFor } from "../local/sqs-server";
import { startChild } from "./child";
import { ingestRequest, PIXEL, requestBody } from "./fixtures";
import { cpuMsPerCall, eventsPerCpuSecond, type InterleaveOptions, interleave } from "./measure";
import type { QueueEndpoints } from "./peers";
import { bullets, ms, num, ratio, type SectionReport, table } from "./report";

// The ingest handler in-process, as the Lambda runs it minus the runtime: validate, normalise, hash,
// enqueue. Its cost is put next to a floor measured in the same rounds (parse the body, three SHA-256
// per event), which no implementation of this job can go below: the ratio says how much the relay adds.

/** Request sizes: a single event, the batch size the cost model assumes, the largest batch allowed. */
export const INGEST_SIZES = [1, 100, 1000] as const;
export type IngestSize = (typeof INGEST_SIZES)[number];

export interface IngestFigures {
  size: IngestSize;
  floor: number;
  /** The same floor hashing with createHash, as it was first measured (the 7.7× and 8.4× were against it). */
  floorCreateHash: number;
  stubbed: number;
  withSqs: number;
  /** CPU per request with the real SQS client: what the Lambda is busy for (before memory scaling). */
  cpuMsPerRequestWithSqs: number;
  cpuMsPerRequestStubbed: number;
}

export interface IngestResult {
  report: SectionReport;
  figures: IngestFigures[];
}

const accepted = (response: APIGatewayProxyResult) => {
  if (response.statusCode !== 202) throw new Error(`ingest answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
};

let sink = 0;
// The cheapest SHA-256 this Node offers, the same one the handler uses (lambdas/core/hashing.ts): a floor that
// hashed with the slower createHash would flatter the handler.
const sha256 = (value: unknown) => {
  sink ^= sha256Hex(String(value)).charCodeAt(0);
};

/** The least any relay must do per request: read the JSON and hash the three identifiers of each event. */
function floor(body: string, hash: (value: unknown) => void = sha256): void {
  const parsed = JSON.parse(body) as { data?: { user: Record<string, unknown> }[]; user?: Record<string, unknown> };
  for (const event of parsed.data ?? [parsed as { user: Record<string, unknown> }]) {
    hash(event.user.email);
    hash(event.user.phone);
    hash(event.user.external_id);
  }
}

const sha256CreateHash = (value: unknown) => {
  sink ^= createHash("sha256").update(String(value), "utf8").digest("hex").charCodeAt(0);
};

export async function benchIngest(options: InterleaveOptions, progress: (line: string) => void): Promise<IngestResult> {
  // The SQS server runs in another process: in AWS its work is not the Lambda's, and on one core it
  // would be billed to the handler's CPU time.
  const peers = await startChild("./peers.ts");
  const figures: IngestFigures[] = [];
  let client: SQSClient | undefined;
  try {
    const queues = await peers.call<QueueEndpoints>("startQueues");
    client = sqsClientFor(queues.endpoint);
    const config = readIngestConfig({ TIKTOK_PIXEL_CODE: PIXEL });
    const stub: EventQueue = { send: async () => ({ failedIds: [] }) };
    const withSqs = restHandler(createIngestHandler({ config, queue: sqsEventQueue(client, queues.eventsQueueUrl), log: silentLog }));
    const stubbed = restHandler(createIngestHandler({ config, queue: stub, log: silentLog }));

    for (const size of INGEST_SIZES) {
      progress(`ingest: ${size}-event requests`);
      const body = requestBody(size, `ingest-${size}`);
      const request = ingestRequest(body);
      // The fixture must go through whole: a dropped phone number would skip a hash and flatter the handler.
      const first = await stubbed(request);
      accepted(first);
      const warnings = (JSON.parse(first.body) as { warnings: unknown[] }).warnings;
      if (warnings.length > 0) throw new Error(`the bench's events drew warnings: ${JSON.stringify(warnings[0])}`);

      const samples = await interleave(
        {
          floor: () => {
            floor(body);
            return size;
          },
          floorCreateHash: () => {
            floor(body, sha256CreateHash);
            return size;
          },
          stubbed: async () => {
            accepted(await stubbed(request));
            return size;
          },
          withSqs: async () => {
            accepted(await withSqs(request));
            return size;
          },
        },
        options,
      );
      figures.push({
        size,
        floor: eventsPerCpuSecond(samples.floor),
        floorCreateHash: eventsPerCpuSecond(samples.floorCreateHash),
        stubbed: eventsPerCpuSecond(samples.stubbed),
        withSqs: eventsPerCpuSecond(samples.withSqs),
        cpuMsPerRequestWithSqs: cpuMsPerCall(samples.withSqs),
        cpuMsPerRequestStubbed: cpuMsPerCall(samples.stubbed),
      });
    }
  } finally {
    client?.destroy();
    await peers.stop();
  }
  if (sink === -1) console.log(sink);

  const label = (size: number) => (size === 1 ? "1 event" : `${num(size)} events`);
  const single = figures.find((f) => f.size === 1)!;
  const thousand = figures.find((f) => f.size === 1000)!;
  return {
    figures,
    report: {
      title: "Ingest (handler in-process)",
      summary: [
        // The target: the handler's own work (enqueue stubbed: the SQS client's signing and HTTP are the
        // SDK's, measured in the rows below) within 3× of the floor, 2× the goal.
        ...[single, thousand].map((f) => ({
          section: "Ingest",
          figure: `${f.size === 1 ? "single-event" : "1,000-event"} requests, handler ÷ floor (enqueue stubbed)`,
          measured: ratio(f.floor / f.stubbed),
          against: `floor (parse + 3 × SHA-256) ${num(f.floor)} events/s/core; handler ${num(f.stubbed)}; against the floor hashing with createHash, as first measured: ${ratio(f.floorCreateHash / f.stubbed)}`,
          target: "≤ 3× (goal 2×)",
          met: f.floor / f.stubbed <= 3,
        })),
        {
          section: "Ingest",
          figure: "single-event requests, events/s/core (with SQS client)",
          measured: num(single.withSqs),
          against: `floor (parse + 3 × SHA-256) ${num(single.floor)}: the handler costs ${ratio(single.floor / single.withSqs)} the floor with the SQS client, ${ratio(single.floor / single.stubbed)} with enqueue stubbed`,
        },
        {
          section: "Ingest",
          figure: "1,000-event requests, events/s/core (with SQS client)",
          measured: num(thousand.withSqs),
          against: `floor ${num(thousand.floor)}: the handler costs ${ratio(thousand.floor / thousand.withSqs)} the floor with the SQS client, ${ratio(thousand.floor / thousand.stubbed)} with enqueue stubbed`,
        },
      ],
      detail: [
        table(
          [
            "request",
            "floor: parse + 3 × SHA-256 (events/s/core)",
            "handler, enqueue stubbed (events/s/core)",
            "cost ÷ floor",
            "handler + SQS client (events/s/core)",
            "cost ÷ floor",
            "CPU per request (stubbed / with SQS)",
          ],
          figures.map((f) => [
            label(f.size),
            num(f.floor),
            num(f.stubbed),
            ratio(f.floor / f.stubbed),
            num(f.withSqs),
            ratio(f.floor / f.withSqs),
            `${ms(f.cpuMsPerRequestStubbed)} / ${ms(f.cpuMsPerRequestWithSqs)}`,
          ]),
        ),
        "",
        bullets([
          "events/s/core = events ÷ CPU time of the bench process (user + system, all threads), median of the rounds; the floor, the stubbed handler and the handler with SQS ran in alternating rounds.",
          "The floor hashes with the same SHA-256 call as the handler (lambdas/core/hashing.ts: crypto.hash where Node has it, a third of createHash's cost per value): a floor on the slower call would flatter the handler. The summary also gives the ratio to the floor as first measured (createHash), which the issue's starting figures (7.7× single, 8.4× for 1,000) were against.",
          "Events: realistic purchases (e-mail, phone, external_id, IP, user agent, page, two line items), each with a distinct event_id; the handler produces no warning for them, so every identifier is normalised and hashed.",
          '"handler + SQS client": the real `sqsEventQueue` (SendMessageBatch of 10, up to 8 in parallel) against the embedded SQS server, which runs in a separate process so its work is not counted; the SDK\'s request signing and serialisation are counted.',
          "Called as `restHandler(createIngestHandler(...))(proxyEvent(...))`: no Lambda runtime, middy or Powertools logger around it (the bench logs nothing).",
        ]),
      ].join("\n"),
    },
  };
}
