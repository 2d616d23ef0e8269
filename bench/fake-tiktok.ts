import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// TikTok's /event/track/ on loopback for the bench: answers every request with code 0 after a fixed
// delay (a real round trip to TikTok is never 0 ms, and batching only pays because of that), and counts
// requests, events and distinct event_ids. Unlike test/support/fake-tiktok.ts it keeps no request
// bodies: a load run sends hundreds of thousands of events.

export interface TikTokStats {
  requests: number;
  events: number;
  distinctEventIds: number;
  bytes: number;
}

export interface BenchTikTok {
  url: string;
  stats(): TikTokStats;
  /** Every distinct event_id received since the last reset. */
  eventIds(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startBenchTikTok(latencyMs: number): Promise<BenchTikTok> {
  let requests = 0;
  let events = 0;
  let bytes = 0;
  let ids = new Set<string>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    requests++;
    bytes += raw.length;
    const body = JSON.parse(raw.toString("utf8")) as { data: { event_id: string }[] };
    events += body.data.length;
    for (const event of body.data) ids.add(event.event_id);
    setTimeout(() => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ code: 0, message: "OK", request_id: `bench-${requests}`, data: {} }));
    }, latencyMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/open_api/v1.3/event/track/`,
    stats: () => ({ requests, events, distinctEventIds: ids.size, bytes }),
    eventIds: () => [...ids],
    reset() {
      requests = 0;
      events = 0;
      bytes = 0;
      ids = new Set();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
