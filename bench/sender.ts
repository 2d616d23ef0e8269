import type { SQSRecord } from "aws-lambda";
import { parseQueuedEvent } from "../lambdas/core/queued-event";
import { buildRequestBody } from "../lambdas/core/tiktok-request";
import { httpTransport, type TikTokTransport } from "../lambdas/core/tiktok-transport";
import { createSenderHandler } from "../lambdas/sender/sender";
import { startChild } from "./child";
import type { TikTokStats } from "./fake-tiktok";
import { benchSenderDeps, queuedEntries, sqsEventOf } from "./fixtures";
import { cpuMsPerCall, eventsPerWallSecond, type InterleaveOptions, interleave } from "./measure";
import { bullets, ms, num, ratio, type SectionReport, table } from "./report";

// The real sender on SQS batches of 1,000 against a fake TikTok with a fixed round trip, next to what most
// integrations do: one request per event, with the same payload builder and the same keep-alive fetch.

export const SENDER_BATCH = 1000;

export interface SenderOptions extends InterleaveOptions {
  latencyMs: number;
  /** Requests in flight for the generous per-event variant (a pool of connections). */
  perEventConcurrency: number;
}

export interface SenderResult {
  report: SectionReport;
  /** CPU of one 1,000-event invocation (before memory scaling). */
  cpuMsPerBatch: number;
  /** Bytes TikTok receives per event in a 1,000-event request. */
  bytesPerEvent: number;
  /** Bytes of one queue message body, as the ingest handler makes it. */
  queueMessageBytes: number;
}

type Mode = "batched" | "perEvent1" | "perEventPool";

function counting(transport: TikTokTransport, tally: { requests: number; events: number }): TikTokTransport {
  return {
    async send(body, token) {
      tally.requests++;
      tally.events += body.data.length;
      return transport.send(body, token);
    },
  };
}

export async function benchSender(options: SenderOptions, progress: (line: string) => void): Promise<SenderResult> {
  progress("sender: preparing 1,000 queued purchases");
  const entries = await queuedEntries(SENDER_BATCH, "sender");
  const batch = sqsEventOf(entries);
  const records: SQSRecord[] = batch.Records;

  const peers = await startChild("./peers.ts");
  try {
    const url = await peers.call<string>("startTikTok", { latencyMs: options.latencyMs });
    // One transport (one keep-alive connection pool: Node's global fetch dispatcher) for every variant.
    const transport = httpTransport(url, 10_000);
    const tallies: Record<Mode, { requests: number; events: number }> = {
      batched: { requests: 0, events: 0 },
      perEvent1: { requests: 0, events: 0 },
      perEventPool: { requests: 0, events: 0 },
    };
    const sender = createSenderHandler(benchSenderDeps(counting(transport, tallies.batched)));

    const perEvent = (concurrency: number, tally: { requests: number; events: number }) => {
      const send = counting(transport, tally);
      let next = 0;
      // Each call keeps `concurrency` requests in flight over the next 10 × concurrency events.
      return async () => {
        const chunk = Array.from({ length: concurrency * 10 }, () => records[next++ % records.length]!);
        const worker = async () => {
          for (let record = chunk.shift(); record; record = chunk.shift()) {
            const queued = parseQueuedEvent(record.body)!;
            const reply = await send.send(buildRequestBody(queued.destination, [queued.event]), "bench-token");
            if (reply.code !== 0) throw new Error(`fake TikTok answered ${reply.httpStatus} ${reply.message}`);
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        return concurrency * 10;
      };
    };

    progress(`sender: batched vs per-event, ${options.latencyMs} ms per TikTok request`);
    const samples = await interleave<Mode>(
      {
        batched: async () => {
          const response = await sender(batch);
          if (response.batchItemFailures.length > 0) throw new Error(`${response.batchItemFailures.length} events not delivered`);
          return SENDER_BATCH;
        },
        perEvent1: perEvent(1, tallies.perEvent1),
        perEventPool: perEvent(options.perEventConcurrency, tallies.perEventPool),
      },
      options,
    );
    const fake = await peers.call<TikTokStats>("tiktokStats");
    const counted = Object.values(tallies).reduce((sum, t) => sum + t.requests, 0);
    if (fake.requests !== counted) throw new Error(`the fake TikTok saw ${fake.requests} requests, the bench sent ${counted}`);

    const perThousand = (mode: Mode) => (tallies[mode].requests / tallies[mode].events) * 1000;
    const rate = (mode: Mode) => eventsPerWallSecond(samples[mode]);
    const cpuMsPerBatch = cpuMsPerCall(samples.batched);
    const bytesPerEvent =
      Buffer.byteLength(
        JSON.stringify(
          buildRequestBody(
            parseQueuedEvent(entries[0]!.body)!.destination,
            entries.map((e) => parseQueuedEvent(e.body)!.event),
          ),
        ),
      ) / entries.length;
    const queueMessageBytes = entries.reduce((sum, e) => sum + Buffer.byteLength(e.body), 0) / entries.length;
    const pool = options.perEventConcurrency;

    return {
      cpuMsPerBatch,
      bytesPerEvent,
      queueMessageBytes,
      report: {
        title: "Sender (batches of 1,000 vs one request per event)",
        summary: [
          {
            section: "Sender",
            figure: "TikTok requests per 1,000 events",
            measured: num(perThousand("batched")),
            against: `per-event: ${num(perThousand("perEvent1"))} (${ratio(perThousand("perEvent1") / perThousand("batched"))} fewer requests)`,
          },
          {
            section: "Sender",
            figure: `events/s (TikTok round trip ${options.latencyMs} ms)`,
            measured: num(rate("batched")),
            against: `per-event, 1 in flight: ${num(rate("perEvent1"))} (${ratio(rate("batched") / rate("perEvent1"))}); ${pool} in flight: ${num(rate("perEventPool"))} (${ratio(rate("batched") / rate("perEventPool"))})`,
          },
        ],
        detail: [
          table(
            ["approach", "TikTok requests per 1,000 events", "events/s", "batched is … faster"],
            [
              ["relay sender (createSenderHandler), 1,000-event SQS batch", num(perThousand("batched")), num(rate("batched")), ""],
              [
                "one request per event, 1 in flight",
                num(perThousand("perEvent1")),
                num(rate("perEvent1")),
                ratio(rate("batched") / rate("perEvent1")),
              ],
              [
                `one request per event, ${pool} in flight`,
                num(perThousand("perEventPool")),
                num(rate("perEventPool")),
                ratio(rate("batched") / rate("perEventPool")),
              ],
            ],
          ),
          "",
          bullets([
            `The fake TikTok (its own process, 127.0.0.1) answers every request with code 0 after a fixed ${options.latencyMs} ms (BENCH_TIKTOK_LATENCY_MS), standing in for the network round trip to TikTok; without it, batching would look better or worse than it is depending on the loopback only. Real round trips to business-api.tiktok.com are longer, which favours batching more.`,
            "events/s = events delivered ÷ wall time, median of alternating rounds: sending is bound by waiting, not CPU.",
            `Same events (the queue messages the ingest handler made of 1,000 purchases), same payload builder (buildRequestBody), same keep-alive fetch (httpTransport) in every row. "1 in flight" is like for like with one sender invocation, which sends its requests one after another; "${pool} in flight" (BENCH_PER_EVENT_CONCURRENCY) is the generous version of the per-event approach.`,
            `The sender needs no queue calls here (every event is delivered: no DLQ moves, no retry delays). One 1,000-event invocation took ${ms(cpuMsPerBatch)} of CPU in this process; TikTok receives ${num(bytesPerEvent)} bytes per event.`,
            `Request counts are checked against the fake TikTok's own count (${num(fake.requests)} requests, warm-up included).`,
          ]),
        ].join("\n"),
      },
    };
  } finally {
    await peers.stop();
  }
}
