import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

// A DynamoDB-protocol proxy on loopback in front of a real server (dynalite), for what dynalite never does:
// it counts the calls of each operation, and can play a throttled table, passing on only the first
// `perCall` keys (BatchGetItem) or items (BatchWriteItem) of each call and answering the rest as
// UnprocessedKeys / UnprocessedItems, as DynamoDB does when a table is over its throughput.

export interface ThrottlingDynamo {
  endpoint: string;
  /** Calls per operation ("BatchGetItem", ...), since start or the last reset. */
  calls: Map<string, number>;
  /** Keys or items each batch call may process; Infinity: all (a transparent proxy). */
  perCall: number;
  reset(perCall?: number): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startThrottlingDynamo(target: string): Promise<ThrottlingDynamo> {
  const upstream = new URL(target);
  const proxy: ThrottlingDynamo = {
    endpoint: "",
    calls: new Map(),
    perCall: Infinity,
    reset(perCall = Infinity) {
      proxy.calls.clear();
      proxy.perCall = perCall;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const operation = String(incoming.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    proxy.calls.set(operation, (proxy.calls.get(operation) ?? 0) + 1);
    let body: Json = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    const held: Json = {};
    if (operation === "BatchGetItem" || operation === "BatchWriteItem") {
      const requestItems = body.RequestItems as Record<string, Json | unknown[]>;
      for (const [table, value] of Object.entries(requestItems)) {
        const list = (operation === "BatchGetItem" ? (value as Json).Keys : value) as unknown[];
        const passed = list.slice(0, proxy.perCall);
        const rest = list.slice(passed.length);
        if (rest.length > 0) held[table] = operation === "BatchGetItem" ? { ...(value as Json), Keys: rest } : rest;
        if (passed.length === 0) delete requestItems[table];
        else requestItems[table] = operation === "BatchGetItem" ? { ...(value as Json), Keys: passed } : passed;
      }
      if (Object.keys(requestItems).length === 0) {
        // Nothing passed on: answer as DynamoDB does when it processed none of the call.
        const empty = operation === "BatchGetItem" ? { Responses: {}, UnprocessedKeys: held } : { UnprocessedItems: held };
        return answer(outgoing, 200, JSON.stringify(empty));
      }
      body = { ...body, RequestItems: requestItems };
    }
    const headers = { ...incoming.headers };
    delete headers["content-length"];
    delete headers.host;
    const payload = JSON.stringify(body);
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...headers, "content-length": Buffer.byteLength(payload) },
      },
      async (response) => {
        const parts: Buffer[] = [];
        for await (const part of response) parts.push(part as Buffer);
        let text = Buffer.concat(parts).toString("utf8");
        if (Object.keys(held).length > 0 && response.statusCode === 200) {
          const parsed = JSON.parse(text) as Json;
          if (operation === "BatchGetItem") parsed.UnprocessedKeys = held;
          else parsed.UnprocessedItems = held;
          text = JSON.stringify(parsed);
        }
        answer(outgoing, response.statusCode ?? 500, text);
      },
    );
    forwarded.on("error", () =>
      answer(outgoing, 500, JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "proxy" })),
    );
    forwarded.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

// Without dynalite's x-amz-crc32 header, which no longer matches a rewritten body (the SDK checks it only when present).
function answer(response: import("node:http").ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "Content-Type": "application/x-amz-json-1.0", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}
