import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// A stand-in for TikTok's /event/track/ endpoint on loopback: records every request as received (raw
// bytes and headers) and answers with whatever the test scripts.

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { event_source_id: string; test_event_code?: string; data: { event_id: string; [key: string]: unknown }[] };
}

export interface Answer {
  status?: number;
  body?: unknown;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Answer after this long (a slow TikTok keeps requests in flight). */
  delayMs?: number;
}

export type Responder = (request: ReceivedRequest, index: number) => Answer;

export interface FakeTikTok {
  url: string;
  requests: ReceivedRequest[];
  respond: Responder;
  /** Event ids of requests that were answered with code 0. */
  deliveredIds(): string[];
  /** Forgets all requests and answers with `respond` (default: OK) from now on. */
  reset(respond?: Responder): void;
  close(): Promise<void>;
}

export const ok = (): Answer => ({ status: 200, body: { code: 0, message: "OK", request_id: "req-ok", data: {} } });

export async function startFakeTikTok(respond: Responder = ok): Promise<FakeTikTok> {
  const delivered: string[] = [];
  const fake: FakeTikTok = {
    url: "",
    requests: [],
    respond,
    deliveredIds: () => [...delivered],
    reset: (next = ok) => {
      fake.requests.length = 0;
      delivered.length = 0;
      fake.respond = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const received: ReceivedRequest = { headers: request.headers, raw, body: JSON.parse(raw) };
    fake.requests.push(received);
    const answer = fake.respond(received, fake.requests.length - 1);
    if (answer.hang) return;
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    const status = answer.status ?? 200;
    const body = answer.body ?? ok().body;
    if (status === 200 && (body as { code?: number }).code === 0) delivered.push(...received.body.data.map((event) => event.event_id));
    response.writeHead(status, { "Content-Type": "application/json" });
    response.end(typeof body === "string" ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/open_api/v1.3/event/track/`;
  return fake;
}
