import { httpTransport } from "../lambdas/core/tiktok-transport";
import { createSenderHandler } from "../lambdas/sender/sender";
import { RELAY_CONFIG_DEFAULTS } from "../lib/config";
import { startChild } from "./child";
import { benchSenderDeps, queuedEntries, sqsEventOf } from "./fixtures";
import { eventsPerWallSecond, type InterleaveOptions, interleave } from "./measure";
import { bullets, num, ratio, type SectionReport, table } from "./report";

// How many events per second the default stack sustains end to end, and what bounds it: a model from the
// stack's defaults and published AWS limits, with the one part AWS does not publish — how the sender's
// throughput grows with its concurrency — measured here: N sender invocations at once (what the event source
// mapping's maximum concurrency allows), each with a 1,000-event batch, against a fake TikTok that takes a
// realistic round trip per request.

/** API Gateway's default account-level throttle per region (requests per second, shared by every API). */
const ACCOUNT_API_RPS = 10_000;
/** Lambda's default concurrency quota per region (new accounts may start lower). */
const ACCOUNT_LAMBDA_CONCURRENCY = 1_000;
/** The sender's concurrency levels measured. */
export const CAPACITY_CONCURRENCY = [1, 2, 4, 8] as const;

export interface CapacityOptions extends InterleaveOptions {
  /** TikTok's round trip per 1,000-event request (the cost model's assumption). */
  tiktokMs: number;
  /** Billed ms of one ingest invocation for a single event and for 100 events (from the cost model), if known. */
  ingestMs?: { single: number; hundred: number };
}

export async function benchCapacity(options: CapacityOptions, progress: (line: string) => void): Promise<SectionReport> {
  progress(`capacity: sender throughput at concurrency ${CAPACITY_CONCURRENCY.join(", ")} (TikTok ${options.tiktokMs} ms)`);
  const most = CAPACITY_CONCURRENCY.at(-1)!;
  const batches = await Promise.all(Array.from({ length: most }, async (_, i) => sqsEventOf(await queuedEntries(1000, `capacity-${i}`))));
  const peers = await startChild("./peers.ts");
  let rates: Record<string, number>;
  try {
    const url = await peers.call<string>("startTikTok", { latencyMs: options.tiktokMs });
    const sender = createSenderHandler(benchSenderDeps(httpTransport(url, 10_000)));
    const workload = (concurrency: number) => async () => {
      const answers = await Promise.all(batches.slice(0, concurrency).map((batch) => sender(batch)));
      if (answers.some((answer) => answer.batchItemFailures.length > 0)) throw new Error("a batch was not delivered");
      return concurrency * 1000;
    };
    const samples = await interleave(Object.fromEntries(CAPACITY_CONCURRENCY.map((n) => [`c${n}`, workload(n)])), {
      ...options,
      roundMs: Math.max(options.roundMs, options.tiktokMs * 2),
    });
    rates = Object.fromEntries(Object.entries(samples).map(([key, value]) => [key, eventsPerWallSecond(value)]));
  } finally {
    await peers.stop();
  }

  const d = RELAY_CONFIG_DEFAULTS;
  const measured = (n: number) => rates[`c${n}`]!;
  // The default concurrency's measured rate, scaled from the nearest measured level.
  const senderDefault = measured(CAPACITY_CONCURRENCY.includes(d.senderMaxConcurrency as 2) ? d.senderMaxConcurrency : 2);
  const perInvocation = measured(1);
  const ingestMs = options.ingestMs ?? { single: 20, hundred: 110 };
  const bounds = (eventsPerRequest: number, billedMs: number) => {
    const api = Math.min(d.apiThrottleRate, ACCOUNT_API_RPS) * eventsPerRequest;
    const ingest = (ACCOUNT_LAMBDA_CONCURRENCY - d.senderMaxConcurrency) * (1000 / billedMs) * eventsPerRequest;
    const sender = senderDefault;
    const rows: [string, number][] = [
      [`API stage throttle: apiThrottleRate ${num(d.apiThrottleRate)} requests/s × ${num(eventsPerRequest)} events`, api],
      [
        `ingest: ${num(ACCOUNT_LAMBDA_CONCURRENCY - d.senderMaxConcurrency)} concurrent invocations ÷ ${num(billedMs)} ms each × ${num(eventsPerRequest)} events`,
        ingest,
      ],
      [`sender: senderMaxConcurrency ${d.senderMaxConcurrency} × 1,000 events ÷ TikTok round trip (measured below)`, sender],
    ];
    const [bound, rate] = rows.reduce((min, row) => (row[1] < min[1] ? row : min));
    return { rows, bound, rate };
  };
  const single = bounds(1, ingestMs.single);
  const hundred = bounds(100, ingestMs.hundred);
  const scaling = measured(CAPACITY_CONCURRENCY.at(-1)!) / perInvocation;

  return {
    title: "Capacity (events per second end to end, default stack)",
    summary: [
      {
        section: "Capacity",
        figure: "events/s the default stack sustains, one event per request",
        measured: num(single.rate),
        against: `bound by ${single.bound.split(":")[0]}; 10×: raise apiThrottleRate (≤ ${num(ACCOUNT_API_RPS)} per account and region)`,
      },
      {
        section: "Capacity",
        figure: "events/s the default stack sustains, 100 events per request",
        measured: num(hundred.rate),
        against: `bound by ${hundred.bound.split(":")[0]}; 10×: senderMaxConcurrency ${d.senderMaxConcurrency} → ${d.senderMaxConcurrency * 10}, with apiThrottleRate ${d.apiThrottleRate} → ${num(d.apiThrottleRate * 10)} (the next bound)`,
      },
      {
        section: "Capacity",
        figure: `sender events/s as senderMaxConcurrency grows (TikTok ${options.tiktokMs} ms, local)`,
        measured: CAPACITY_CONCURRENCY.map((n) => `${n}: ${num(measured(n))}`).join(", "),
        against: `${CAPACITY_CONCURRENCY.at(-1)} in flight = ${ratio(scaling)} of 1 (linear would be ${CAPACITY_CONCURRENCY.at(-1)}×)`,
      },
    ],
    detail: [
      table(
        ["bound", "one event per request (events/s)", "100 events per request (events/s)"],
        single.rows.map(([name, rate], i) => [name.replace(/× 1 events/, "× events per request"), num(rate), num(hundred.rows[i]![1])]),
      ),
      "",
      table(
        ["senderMaxConcurrency (sender invocations at once)", ...CAPACITY_CONCURRENCY.map(String)],
        [
          ["events/s delivered (measured, local)", ...CAPACITY_CONCURRENCY.map((n) => num(measured(n)))],
          ["per invocation", ...CAPACITY_CONCURRENCY.map((n) => num(measured(n) / n))],
        ],
      ),
      "",
      bullets([
        `End to end is the least of the bounds. With single events the API stage's throttle (apiThrottleRate ${d.apiThrottleRate}/s, burst ${d.apiThrottleBurst}) binds first: the relay answers 429 above it. With batches, the sender does: ${d.senderMaxConcurrency} invocations at a time, each sending one 1,000-event request and waiting for TikTok's answer.`,
        `For 10× more: single events need apiThrottleRate ×10 (API Gateway's account limit of ${num(ACCOUNT_API_RPS)} requests/s per region, shared by every API in the account, is the ceiling: ask AWS to raise it beyond); batched events need senderMaxConcurrency ×10, and apiThrottleRate raised with it, the next bound (the concurrency is reserved from the account's Lambda concurrency, ${num(ACCOUNT_LAMBDA_CONCURRENCY)} by default, when reserveSenderConcurrency is on). The queue absorbs bursts above either bound: events wait (the oldest-message alarm watches), they are not lost.`,
        `Ingest: each request is one invocation; ${num(ACCOUNT_LAMBDA_CONCURRENCY)} concurrent invocations (the default regional quota, less the sender's reservation) at ${num(ingestMs.single)} ms (single) and ${num(ingestMs.hundred)} ms (100 events) billed each, from the cost model. It is far from binding.`,
        `TikTok: its rate limit for /event/track/ is not published (no QPS figure in TikTok's documentation or in peers' code; /work/research-tiktok.md); it answers code 40100 when throttling, which the sender retries with backoff. Raising senderMaxConcurrency raises the request rate TikTok sees: ${d.senderMaxConcurrency} in flight by default, each carrying up to 1,000 events.`,
        `Measured: ${CAPACITY_CONCURRENCY.join(", ")} createSenderHandler invocations at once, each with its own 1,000-event SQS batch (the ingest handler's queue messages for 1,000 purchases), against the bench's fake TikTok (its own process) answering each request after ${options.tiktokMs} ms (BENCH_CAPACITY_TIKTOK_MS, the cost model's round trip); events/s = events delivered ÷ wall time, median of ${options.rounds} alternating rounds. Sending is waiting, so it grows almost linearly until this machine's cores saturate; in AWS each invocation has its own CPU.`,
      ]),
    ].join("\n"),
  };
}
