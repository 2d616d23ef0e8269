import { readFileSync } from "node:fs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDlqArgs, parseRedriveArgs } from "../../cli/args";
import { runDlq, runRedrive } from "../../cli/commands";
import { parseTenantArgs } from "../../cli/tenant-args";
import { openTenantTable } from "../../cli/tenant-table";
import { runTenants } from "../../cli/tenants";
import { runTrace } from "../../cli/trace";
import { parseTraceArgs, TRACE_EXIT } from "../../cli/trace-args";
import type { TenantAdmin } from "../../lambdas/aws/dynamodb-tenants";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { signBody } from "../../lambdas/woocommerce/signature";
import type { LocalPipeline } from "../../local/pipeline";
import { type Answer, type FakeTikTok, ok, type ReceivedRequest, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { depth, takeAll, waitFor } from "../support/queues";

// An agency relay through `npm start`'s pipeline: three shops (tenants a, b, c), each with its own key,
// pixel, token and webhook secret, managed with `npm run tenants -- ... --local` while the relay runs. The
// fake TikTok knows which token may send to which pixel, as TikTok does.

const PIXEL = { a: "C4PIXELAAAAAAAAAAAA1", b: "C4PIXELBBBBBBBBBBBB2", c: "C4PIXELCCCCCCCCCCCC3", d: "C4PIXELDDDDDDDDDDDD4" } as const;
type Name = keyof typeof PIXEL;
const TOKEN: Record<Name, string> = { a: "token-a", b: "token-b", c: "token-c", d: "token-d" };
/** The single-shop setup's pixel (test/support/pipeline.ts) and token, next to the tenants. */
const SINGLE = { pixel: "C4PIXEL0000000000001", token: "single-shop-token" };
/** Tokens TikTok has revoked. */
const revoked = new Set<string>();

let tiktok: FakeTikTok;
let pipeline: LocalPipeline;
let sqs: SQSClient;
let admin: TenantAdmin;
let closeTable: () => void;
const keys: Partial<Record<Name, string>> = {};
const webhookSecrets: Partial<Record<Name, string>> = {};

/** TikTok's side: a pixel answers only to its own shop's token. */
function tiktokAnswer(request: ReceivedRequest): Answer {
  const token = String(request.headers["access-token"]);
  const owner = (Object.keys(PIXEL) as Name[]).find((name) => PIXEL[name] === request.body.event_source_id);
  if (revoked.has(token)) return { status: 200, body: { code: 40105, message: "Access token is invalid or revoked" } };
  if (request.body.event_source_id === SINGLE.pixel && token === SINGLE.token) return ok();
  if (owner === undefined || TOKEN[owner] !== token)
    return { status: 200, body: { code: 40001, message: "No permission to operate pixel with this token" } };
  return ok();
}

/** `npm run tenants -- <argv> --local`, against the running pipeline's table; returns what it printed. */
async function tenants(argv: string[], token?: string): Promise<string[]> {
  const lines: string[] = [];
  const exit = await runTenants(parseTenantArgs([...argv, "--local"]), {
    admin,
    print: (line) => lines.push(line),
    readToken: async () => token ?? "",
  });
  expect(exit, lines.join("\n")).toBe(0);
  return lines;
}
const printed = (lines: string[], label: RegExp) =>
  lines
    .find((line) => label.test(line))!
    .split(": ")
    .pop()!;

async function addTenant(name: Name): Promise<void> {
  const lines = await tenants(["add", name, "--pixel", PIXEL[name]]);
  keys[name] = printed(lines, /^ingest key/);
  webhookSecrets[name] = printed(lines, /^WooCommerce webhook secret/);
  await tenants(["set-token", name], TOKEN[name]);
}

const post = (key: string, body: unknown) =>
  fetch(pipeline.eventsUrl, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
const event = (id: string) => ({
  event: "Purchase",
  event_id: id,
  event_time: Math.floor(Date.now() / 1000),
  user: { email: `${id}@example.com` },
});

beforeAll(async () => {
  tiktok = await startFakeTikTok(tiktokAnswer);
  pipeline = await startTestPipeline(tiktok, {
    // The single shop keeps its own key and pixel alongside the tenants.
    TIKTOK_ACCESS_TOKEN: SINGLE.token,
    TENANT_CACHE_SECONDS: "1",
    MAX_RECEIVE_COUNT: "2",
    RETRY_BASE_SECONDS: "1",
    VISIBILITY_TIMEOUT_SECONDS: "5",
  });
  sqs = new SQSClient({ endpoint: pipeline.sqsEndpoint, region: "us-east-1", credentials: { accessKeyId: "l", secretAccessKey: "l" } });
  const table = await openTenantTable({ local: true }, { DYNAMODB_ENDPOINT: pipeline.ledgerEndpoint }, () => {
    throw new Error("no CloudFormation locally");
  });
  admin = table.admin;
  closeTable = table.close;
  for (const name of ["a", "b", "c"] as const) await addTenant(name);
});
afterAll(async () => {
  closeTable?.();
  sqs?.destroy();
  await pipeline?.stop();
  await tiktok?.close();
});

/** Event ids TikTok accepted for this pixel. */
const deliveredTo = (pixel: string) => {
  const accepted = new Set(tiktok.deliveredIds());
  return tiktok.requests
    .filter((r) => r.body.event_source_id === pixel)
    .flatMap((r) => r.body.data.map((e) => e.event_id))
    .filter((id) => accepted.has(id));
};

describe("tenants through the local pipeline", () => {
  it("sends each tenant's events to its own pixel with its own token", async () => {
    for (const name of ["a", "b", "c"] as const) expect((await post(keys[name]!, event(`${name}-1`))).status).toBe(202);
    await waitFor(() => tiktok.deliveredIds().length >= 3, 15_000, "three deliveries");
    for (const name of ["a", "b", "c"] as const) {
      const requests = tiktok.requests.filter((r) => r.body.data.some((e) => e.event_id === `${name}-1`));
      expect(requests.map((r) => [r.body.event_source_id, r.headers["access-token"]])).toEqual([[PIXEL[name], TOKEN[name]]]);
    }
    // no request ever carried a token to a pixel of another shop
    expect(tiktok.requests.every((r) => tiktokAnswer(r).status === 200 && (tiktokAnswer(r).body as { code: number }).code === 0)).toBe(
      true,
    );
    // the single-shop key still works as before, with the relay's own pixel and token
    expect((await post("k", event("single-1"))).status).toBe(202);
    await waitFor(() => tiktok.deliveredIds().includes("single-1"), 15_000, "the single shop's event");
    const single = tiktok.requests.find((r) => r.body.data.some((e) => e.event_id === "single-1"))!;
    expect([single.body.event_source_id, single.headers["access-token"]]).toEqual([SINGLE.pixel, SINGLE.token]);
  });

  it("refuses a tenant's key sending to another tenant's pixel with 403, and queues nothing", async () => {
    await waitFor(async () => (await depth(sqs, pipeline.eventsQueueUrl)) === 0, 15_000, "an empty queue");
    const before = (await pipeline.stats()).events.accepted;
    const requests = tiktok.requests.length;
    const answer = await post(keys.a!, { pixel_code: PIXEL.b, data: [event("a-to-b"), event("a-to-b-2")] });
    expect(answer.status).toBe(403);
    const body = (await answer.json()) as { rule: string; issues: { message: string }[] };
    expect(body.rule).toBe("tenant_destination");
    expect(body.issues[0]!.message).toContain(`web:${PIXEL.b} is not one of this tenant's destinations`);
    // one event of its own does not let the other through: all or nothing
    const mixed = await post(keys.a!, { data: [event("a-own"), { ...event("a-to-c"), event_source_id: PIXEL.c }] });
    expect(mixed.status).toBe(403);
    expect((await pipeline.stats()).events.accepted).toBe(before);
    expect(await depth(sqs, pipeline.eventsQueueUrl)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tiktok.requests.length).toBe(requests);
  });

  it("halts only tenant b when its token is revoked: b's events go to the DLQ with the reason, a's and c's flow", async () => {
    revoked.add(TOKEN.b);
    const ids = { a: ["a-2", "a-3"], b: ["b-2", "b-3"], c: ["c-2", "c-3"] };
    for (const name of ["a", "b", "c"] as const) expect((await post(keys[name]!, { data: ids[name].map(event) })).status).toBe(202);
    await waitFor(() => [...ids.a, ...ids.c].every((id) => tiktok.deliveredIds().includes(id)), 15_000, "a's and c's events");
    await waitFor(
      async () => (await depth(sqs, pipeline.deadLetterQueueUrl)) === 2,
      30_000,
      `b's two events in the DLQ (${JSON.stringify(await pipeline.stats())})`,
    );
    // npm run dlq / trace / redrive know the tenant
    const peeked: string[] = [];
    const cli = { sqs, print: (line: string) => peeked.push(line), pollMs: 100 };
    expect(await runDlq(parseDlqArgs(["peek", "--dlq", pipeline.deadLetterQueueUrl, "--tenant", "a"]), cli)).toBe(0);
    expect(peeked.join("\n")).not.toContain("40105");
    peeked.length = 0;
    expect(await runDlq(parseDlqArgs(["peek", "--dlq", pipeline.deadLetterQueueUrl, "--tenant", "b"]), cli)).toBe(0);
    expect(peeked.join("\n")).toContain("40105");
    const traceEnv = { DYNAMODB_ENDPOINT: pipeline.ledgerEndpoint, SQS_ENDPOINT: pipeline.sqsEndpoint };
    const trace = (argv: string[]) => runTrace(parseTraceArgs([...argv, "--local"]), { env: traceEnv, print: () => {} });
    expect(await trace(["a-2", "--tenant", "a"])).toBe(TRACE_EXIT.delivered);
    expect(await trace(["a-2", "--tenant", "c"])).toBe(TRACE_EXIT.unknown);
    expect(await trace(["b-2", "--tenant", "b"])).toBe(TRACE_EXIT.deadLettered);
    // a redrive of another tenant's messages moves none of b's
    expect(
      await runRedrive(parseRedriveArgs(["--dlq", pipeline.deadLetterQueueUrl, "--queue", pipeline.eventsQueueUrl, "--tenant", "c"]), cli),
    ).toBe(0);
    expect(await depth(sqs, pipeline.deadLetterQueueUrl)).toBe(2);
    const dead = await takeAll(sqs, pipeline.deadLetterQueueUrl);
    expect(
      dead
        .map((m) => readDeadLetter(m.MessageAttributes))
        .map(({ reason, tenant, eventId }) => ({ reason, tenant, eventId }))
        .sort((x, y) => x.eventId!.localeCompare(y.eventId!)),
    ).toEqual([
      { reason: "40105", tenant: "b", eventId: "b-2" },
      { reason: "40105", tenant: "b", eventId: "b-3" },
    ]);
    expect(tiktok.deliveredIds().filter((id) => id.startsWith("b-") && id !== "b-1")).toEqual([]);
    // b's token was never sent to a's or c's pixel, nor theirs to b's
    for (const request of tiktok.requests) {
      const owner = (Object.keys(PIXEL) as Name[]).find((name) => PIXEL[name] === request.body.event_source_id);
      if (owner) expect(request.headers["access-token"]).toBe(TOKEN[owner]);
    }
    revoked.delete(TOKEN.b);
  });

  it("adds a tenant and rotates a key without a restart", async () => {
    await addTenant("d");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await post(keys.d!, event("d-1"))).status).toBe(202);
    await waitFor(() => tiktok.deliveredIds().includes("d-1"), 15_000, "d's first event");

    const oldKey = keys.a!;
    const newKey = printed(await tenants(["rotate-key", "a"]), /^new ingest key/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // during the rotation both keys work
    expect((await post(oldKey, event("a-old"))).status).toBe(202);
    expect((await post(newKey, event("a-new"))).status).toBe(202);
    await tenants(["rotate-key", "a", "--revoke-old"]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await post(oldKey, event("a-old-2"))).status).toBe(401);
    expect((await post(newKey, event("a-new-2"))).status).toBe(202);
    await waitFor(() => ["a-old", "a-new", "a-new-2"].every((id) => tiktok.deliveredIds().includes(id)), 15_000, "a's events");
    // a removed tenant's key stops working, and nothing of it is left in the table
    await tenants(["remove", "d"]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await post(keys.d!, event("d-2"))).status).toBe(401);
    expect((await admin.list()).map((t) => t.name)).toEqual(["a", "b", "c"]);
    expect(await admin.keysOf("d")).toEqual([]);
    expect(await admin.hasToken("d")).toBe(false);
    const show = (await tenants(["show", "a"])).join("\n");
    expect(show).not.toContain(newKey);
    expect(show).not.toContain(TOKEN.a);
  });

  it("lands two shops' WooCommerce orders on their own pixels, each checked with its own secret", async () => {
    const order = JSON.parse(readFileSync(new URL("../fixtures/woocommerce/order-registered-completed-eur.json", import.meta.url), "utf8"));
    const paid = new Date(Date.now() - 120_000).toISOString().slice(0, 19);
    const deliver = (shop: string, id: number, secret: string) => {
      const body = JSON.stringify({ ...order, id, date_paid_gmt: paid, date_created_gmt: paid });
      return fetch(`${pipeline.woocommerceUrl}/${shop}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-WC-Webhook-Topic": "order.updated",
          "X-WC-Webhook-Signature": signBody(body, secret),
        },
        body,
      });
    };
    expect((await deliver("a", 9001, webhookSecrets.a!)).status).toBe(200);
    expect((await deliver("c", 9002, webhookSecrets.c!)).status).toBe(200);
    // a shop's secret does not open another shop's webhook; an unknown shop is a 404
    expect((await deliver("c", 9003, webhookSecrets.a!)).status).toBe(401);
    expect((await deliver("nobody", 9004, webhookSecrets.a!)).status).toBe(404);
    await waitFor(() => ["wc_order_9001", "wc_order_9002"].every((id) => tiktok.deliveredIds().includes(id)), 15_000, "both orders");
    expect(deliveredTo(PIXEL.a)).toContain("wc_order_9001");
    expect(deliveredTo(PIXEL.c)).toContain("wc_order_9002");
    expect(deliveredTo(PIXEL.a)).not.toContain("wc_order_9002");
    expect(tiktok.deliveredIds()).not.toContain("wc_order_9003");
  });
});
