import { request } from "node:http";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalApi, startLocalApi } from "../../local/http-api";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { depth } from "../support/queues";

// What a web page open in the user's browser can send to the local servers: cross-origin "simple" requests
// (text/plain or form bodies, no custom header, no preflight) and, by DNS rebinding, any request under its
// own host name. The embedded SQS server and the local API refuse both; the AWS SDK and local callers get in.

interface Answer {
  status: number;
  body: string;
}

/** A raw HTTP request with exactly these headers (Host included), as a browser or an attacker would send it. */
function raw(url: string, method: string, headers: Record<string, string>, body = ""): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let queues: LocalQueues;
let api: LocalApi;
let reached = 0;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  api = await startLocalApi(0, {
    "POST /events": {
      handler: async () => {
        reached++;
        return { statusCode: 202, headers: {}, body: "{}" };
      },
    },
  });
});
afterAll(async () => {
  await api.close();
  await queues.close();
});

describe("embedded SQS server", () => {
  const host = () => new URL(queues.endpoint).host;

  it("refuses the query protocol's form posts a web page can send without a preflight, and purges nothing", async () => {
    await queues.client.send(new SendMessageCommand({ QueueUrl: queues.eventsQueueUrl, MessageBody: "{}" }));
    const purge = `Action=PurgeQueue&QueueUrl=${encodeURIComponent(queues.eventsQueueUrl)}`;
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const answer = await raw(queues.endpoint, "POST", { Host: host(), "Content-Type": contentType }, purge);
      expect(answer.status, contentType).toBe(403);
      expect(answer.body).toContain("AccessDenied");
    }
    const receive = JSON.stringify({ QueueUrl: queues.eventsQueueUrl, MaxNumberOfMessages: 10 });
    expect(
      (
        await raw(
          queues.endpoint,
          "POST",
          { Host: host(), "Content-Type": "text/plain", "X-Amz-Target": "AmazonSQS.ReceiveMessage" },
          receive,
        )
      ).status,
    ).toBe(403);
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(1);
  });

  it("refuses the JSON protocol without a signature, a CORS preflight, and a foreign Host", async () => {
    const json = { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.PurgeQueue" };
    const body = JSON.stringify({ QueueUrl: queues.eventsQueueUrl });
    const signed = {
      Authorization: "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00",
    };
    expect((await raw(queues.endpoint, "POST", { Host: host(), ...json }, body)).status).toBe(403);
    expect(
      (await raw(queues.endpoint, "OPTIONS", { Host: host(), Origin: "https://evil.example", "Access-Control-Request-Method": "POST" }))
        .status,
    ).toBe(403);
    // DNS rebinding: the page's own name for 127.0.0.1.
    expect((await raw(queues.endpoint, "POST", { Host: "evil.example:9324", ...json, ...signed }, body)).status).toBe(403);
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(1);
  });

  it("serves the AWS SDK as before", async () => {
    const { Attributes } = await queues.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.eventsQueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBeDefined();
  });
});

describe("local API", () => {
  it("refuses a request whose Host is not this machine (DNS rebinding with the public default key)", async () => {
    const headers = { "Content-Type": "text/plain", Authorization: "Bearer local-dev-key" };
    const foreign = await raw(`${api.url}/events`, "POST", { ...headers, Host: "attacker.example:3000" }, "{}");
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error).toMatch(/Host/);
    expect(reached).toBe(0);
  });

  it.each(["127.0.0.1", "localhost", "[::1]", "host.docker.internal"])("serves Host %s", async (name) => {
    const port = new URL(api.url).port;
    expect((await raw(`${api.url}/events`, "POST", { Host: `${name}:${port}` }, "{}")).status).toBe(202);
  });
});
