import { performance } from "node:perf_hooks";
import { type Child, startChild } from "./child";
import type { TikTokStats } from "./fake-tiktok";
import { API_KEY, PIXEL, purchaseEvent } from "./fixtures";
import { percentile, sleep } from "./measure";
import type { RelayMemory } from "./relay-process";
import { bullets, ms, num, type SectionReport, table } from "./report";

// The local pipeline under steady load from concurrent keep-alive clients: what it accepts, how fast it
// answers, whether every accepted event reaches TikTok, and how much memory that takes.

const MAX_DRAIN_MS = 300_000;

export interface LoadOptions {
  seconds: number;
  connections: number;
  eventsPerRequest: number;
  maxEvents: number;
  drainSeconds: number;
  latencyMs: number;
  batchingWindowMs: number;
}

export async function benchLoad(options: LoadOptions, progress: (line: string) => void): Promise<SectionReport> {
  const peers = await startChild("./peers.ts");
  let relay: Child | undefined;
  try {
    relay = await startChild("./relay-process.ts", { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
    const tiktokUrl = await peers.call<string>("startTikTok", { latencyMs: options.latencyMs });
    const started = await relay.call<{ eventsUrl: string } & RelayMemory>("start", {
      env: {
        PORT: "0",
        SQS_PORT: "0",
        DYNAMODB_PORT: "0",
        INGEST_API_KEY: API_KEY,
        TIKTOK_PIXEL_CODE: PIXEL,
        TIKTOK_ACCESS_TOKEN: "bench-token",
        TIKTOK_API_URL: tiktokUrl,
        SENDER_BATCHING_WINDOW_MS: String(options.batchingWindowMs),
      },
    });

    progress(`load: ${options.connections} connections × ${options.eventsPerRequest} event(s) per request for ${options.seconds} s`);
    const accepted: string[] = [];
    const latencies: number[] = [];
    const statuses = new Map<string, number>();
    let reserved = 0;
    const begin = performance.now();
    const deadline = begin + options.seconds * 1000;
    const client = async (connection: number) => {
      for (let request = 0; performance.now() < deadline && reserved + options.eventsPerRequest <= options.maxEvents; request++) {
        reserved += options.eventsPerRequest;
        const ids = Array.from({ length: options.eventsPerRequest }, (_, i) => `load-${connection}-${request}-${i}`);
        const events = ids.map((id, i) => purchaseEvent(id, request * options.eventsPerRequest + i));
        const body = JSON.stringify(options.eventsPerRequest === 1 ? events[0] : { data: events });
        const sent = performance.now();
        let status: string;
        try {
          // Node's fetch keeps each connection alive; one request at a time per client.
          const response = await fetch(started.eventsUrl, {
            method: "POST",
            headers: { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" },
            body,
          });
          await response.arrayBuffer();
          status = String(response.status);
        } catch (error) {
          status = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === "202") {
          latencies.push(performance.now() - sent);
          accepted.push(...ids);
        }
      }
    };
    await Promise.all(Array.from({ length: options.connections }, (_, c) => client(c)));
    const loadSeconds = (performance.now() - begin) / 1000;
    const afterLoad = await relay.call<RelayMemory>("memory");

    // Wait while deliveries continue: the verdict is about loss, not speed. Give up only once nothing has
    // arrived for drainSeconds (or after 5 minutes), so a slow drain is reported as slow, not as lost.
    progress(
      `load: waiting for ${num(accepted.length)} events to reach the fake TikTok (gives up after ${options.drainSeconds} s without progress)`,
    );
    const drainStart = performance.now();
    let stats = await peers.call<TikTokStats>("tiktokStats");
    let lastProgress = performance.now();
    let lastCount = stats.distinctEventIds;
    while (
      stats.distinctEventIds < accepted.length &&
      performance.now() - lastProgress < options.drainSeconds * 1000 &&
      performance.now() - drainStart < MAX_DRAIN_MS
    ) {
      await sleep(200);
      stats = await peers.call<TikTokStats>("tiktokStats");
      if (stats.distinctEventIds > lastCount) {
        lastCount = stats.distinctEventIds;
        lastProgress = performance.now();
      }
    }
    const drainSeconds = (lastProgress - drainStart) / 1000;
    const deliveryRate = lastCount / ((lastProgress - begin) / 1000);
    const delivered = new Set(await peers.call<string[]>("tiktokEventIds"));
    const missing = accepted.filter((id) => !delivered.has(id)).length;
    const acceptedSet = new Set(accepted);
    const unexpected = [...delivered].filter((id) => !acceptedSet.has(id)).length;
    const memory = await relay.call<RelayMemory>("memory");

    const rate = accepted.length / loadSeconds;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const allDelivered = missing === 0 && accepted.length > 0;
    const refused = [...statuses].filter(([status]) => status !== "202");
    const mb = (bytes: number) => `${num(bytes / 1024 ** 2)} MB`;
    return {
      title: "Local pipeline under load",
      summary: [
        {
          section: "Load (local)",
          figure: `events/s accepted (${options.connections} connections, ${options.eventsPerRequest} per request)`,
          measured: num(rate),
          against: `202 latency p50 ${ms(p50)}, p99 ${ms(p99)}`,
        },
        {
          section: "Load (local)",
          figure: "every accepted event reached TikTok",
          measured: allDelivered
            ? `yes, ${num(accepted.length)} of ${num(accepted.length)}`
            : `${num(accepted.length - missing)} of ${num(accepted.length)}`,
          target: "all",
          against: `${allDelivered ? "the last" : "deliveries stopped"} ${num(drainSeconds, 2)} s after the load stopped (delivery ${num(deliveryRate)} events/s from the first request on); relay peak RSS ${mb(memory.maxRssBytes)}`,
          met: allDelivered,
        },
      ],
      detail: [
        table(
          ["figure", "value"],
          [
            ["requests answered 202", num(latencies.length)],
            ["other answers", refused.length === 0 ? "none" : refused.map(([status, count]) => `${status}: ${count}`).join(", ")],
            ["events accepted", num(accepted.length)],
            ["events/s accepted", num(rate)],
            ["202 latency p50 / p99", `${ms(p50)} / ${ms(p99)}`],
            [
              "distinct accepted events delivered to the fake TikTok",
              `${num(accepted.length - missing)} (${missing === 0 ? "all" : `${num(missing)} missing`})`,
            ],
            ["event_ids delivered that were never accepted", num(unexpected)],
            ["TikTok requests / events delivered (copies included)", `${num(stats.requests)} / ${num(stats.events)}`],
            [
              "time from the end of the load to the last delivery",
              `${num(drainSeconds, 2)} s${allDelivered ? "" : ` (then nothing for ${options.drainSeconds} s: gave up)`}`,
            ],
            ["delivery rate to TikTok (first request to last delivery)", `${num(deliveryRate)} events/s`],
            [
              "relay process RSS: idle / after the load / peak",
              `${mb(started.rssBytes)} / ${mb(afterLoad.rssBytes)} / ${mb(memory.maxRssBytes)}`,
            ],
          ],
        ),
        "",
        bullets([
          `The relay (startLocalPipeline: local API with the authorizer, ingest handler, embedded SQS server, event source with SENDER_BATCHING_WINDOW_MS=${options.batchingWindowMs}, sender) runs in a process of its own, under tsx as \`npm start\` does, logging nothing; its RSS includes tsx and the embedded queue holding the backlog.`,
          `Load: ${options.connections} clients in the bench process, each posting one request at a time over a keep-alive connection, ${options.eventsPerRequest} purchase event(s) per request, distinct event_ids, for ${options.seconds} s (BENCH_LOAD_SECONDS) or ${num(options.maxEvents)} events (BENCH_LOAD_MAX_EVENTS). Latency is from sending the request to reading the whole 202.`,
          `TikTok is the bench's fake (its own process, 127.0.0.1, ${options.latencyMs} ms per request, counts distinct event_ids); after the load the bench waits for the queue to drain for as long as deliveries keep arriving, and gives up after ${options.drainSeconds} s without one (BENCH_DRAIN_SECONDS) or 5 minutes in all.`,
          "Two cores serve the relay, the load generator and the fake TikTok together: the rate is what this machine sustains locally, not what the deployed stack does (API Gateway and Lambda scale out).",
          "Locally, delivery can trail acceptance: the local event source (local/event-source.ts) gathers each batch with ReceiveMessage calls of 10 messages, one after another, from the embedded SQS server, with SENDER_MAX_CONCURRENCY workers; the backlog waits in the relay's memory (RSS after the load). In AWS the event source mapping polls with many pollers.",
        ]),
      ].join("\n"),
    };
  } finally {
    await relay?.stop();
    await peers.stop();
  }
}
