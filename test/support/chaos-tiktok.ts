import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A misbehaving TikTok on loopback, for fuzzing the sender: besides answering, it can trickle a body past
// the client's deadline, reset the connection halfway through a body, close without answering, or never
// answer. It records every request with the answer it got and whether that answer went out complete.

export type ChaosAnswer =
  /** Headers and the whole body at once. */
  | { kind: "reply"; status: number; body: string; contentType?: string }
  /** Headers at once, then the body in `pieces` parts `everyMs` apart (set past the client's deadline). */
  | { kind: "slow"; status: number; body: string; pieces: number; everyMs: number }
  /** Headers and the first `cutAt` bytes of the body, then the socket is destroyed. */
  | { kind: "reset"; status: number; body: string; cutAt: number; chunked: boolean }
  /** The socket is destroyed before any response. */
  | { kind: "drop" }
  /** Never answers. */
  | { kind: "hang" };

export interface ChaosRequest {
  eventIds: string[];
  pixel: string;
  answer: ChaosAnswer;
  /** The whole response was written (only ever true for "reply"). */
  complete: boolean;
}

export type ChaosResponder = (body: { event_source_id: string; data: { event_id: string }[] }, index: number) => ChaosAnswer;

export interface ChaosTikTok {
  url: string;
  requests: ChaosRequest[];
  respond: ChaosResponder;
  /** Forgets the requests and cuts every answer still pending (hangs, trickles); idle connections stay. */
  reset(respond: ChaosResponder): void;
  close(): Promise<void>;
}

export async function startChaosTikTok(): Promise<ChaosTikTok> {
  const pending = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const clearAll = () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const response of pending) response.destroy();
    pending.clear();
  };
  const chaos: ChaosTikTok = {
    url: "",
    requests: [],
    respond: () => ({ kind: "hang" }),
    reset(respond) {
      clearAll();
      chaos.requests = [];
      chaos.respond = respond;
    },
    close: async () => {
      clearAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Parameters<ChaosResponder>[0];
    const requests = chaos.requests;
    const answer = chaos.respond(body, requests.length);
    const record: ChaosRequest = {
      eventIds: body.data.map((event) => event.event_id),
      pixel: body.event_source_id,
      answer,
      complete: false,
    };
    requests.push(record);
    const bytes = "body" in answer ? Buffer.from(answer.body, "utf8") : Buffer.alloc(0);
    switch (answer.kind) {
      case "hang":
        return void pending.add(response);
      case "drop":
        return void request.socket.destroy();
      case "reply":
        response.writeHead(answer.status, { "Content-Type": answer.contentType ?? "application/json", "Content-Length": bytes.length });
        record.complete = true;
        return void response.end(bytes);
      case "reset": {
        response.writeHead(answer.status, {
          "Content-Type": "application/json",
          ...(answer.chunked ? {} : { "Content-Length": bytes.length }),
        });
        const cut = Math.min(answer.cutAt, Math.max(0, bytes.length - 1));
        response.write(bytes.subarray(0, cut), () => response.socket?.destroy());
        // A zero-byte write may never call back: destroy shortly after anyway.
        const timer = setTimeout(() => response.socket?.destroy(), 20);
        timers.add(timer);
        return;
      }
      case "slow": {
        response.writeHead(answer.status, { "Content-Type": "application/json", "Content-Length": bytes.length });
        response.flushHeaders();
        pending.add(response);
        const size = Math.ceil(bytes.length / answer.pieces);
        let offset = 0;
        const timer = setInterval(() => {
          if (response.destroyed || offset >= bytes.length) {
            clearInterval(timer);
            timers.delete(timer);
            pending.delete(response);
            if (!response.destroyed) response.end();
            return;
          }
          response.write(bytes.subarray(offset, offset + size));
          offset += size;
        }, answer.everyMs);
        timers.add(timer);
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  chaos.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/open_api/v1.3/event/track/`;
  return chaos;
}
