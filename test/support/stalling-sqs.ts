import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// An SQS endpoint that hangs: it passes the first `forward` SendMessageBatch calls (and every other call) on to
// a real SQS-protocol server, then holds every further SendMessageBatch open without ever answering, as a
// network partition or an overloaded endpoint would.

export interface StallingSqs {
  endpoint: string;
  /** SendMessageBatch calls held open so far. */
  stalled(): number;
  close(): Promise<void>;
}

export async function startStallingSqs(target: string, forward: number): Promise<StallingSqs> {
  let batches = 0;
  let stalled = 0;
  const sockets = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const isBatch = String(request.headers["x-amz-target"] ?? "").endsWith(".SendMessageBatch");
    if (isBatch && ++batches > forward) {
      stalled++;
      request.resume();
      return; // never answered
    }
    const upstream = httpRequest(new URL(request.url ?? "/", target), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    request.pipe(upstream);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stalled: () => stalled,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
