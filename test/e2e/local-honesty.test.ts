import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { consoleLog } from "../../local/console-log";
import { startLocalPipeline } from "../../local/pipeline";
import { summaryLine } from "../../local/stats";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { waitFor } from "../support/queues";
import { startRelayProcess } from "../support/relay-process";

// `npm start` says what really happened: a dry run is never a delivery, a busy port is one line with the fix,
// and stopping with accepted events still in the in-memory queue says how many are lost.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const now = () => Math.floor(Date.now() / 1000);
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe("dry run (no TIKTOK_ACCESS_TOKEN)", () => {
  it("counts printed requests as dry_run, never as delivered, in /stats, the summary and the log", async () => {
    const logs: string[] = [];
    const printed: string[] = [];
    const pipeline = await startLocalPipeline({
      env: { PORT: "0", SQS_PORT: "0", DYNAMODB_PORT: "0", INGEST_API_KEY: "k", SENDER_BATCHING_WINDOW_MS: "100" },
      log: consoleLog((line) => logs.push(line)),
      print: (line) => printed.push(line),
    });
    closers.push(() => pipeline.stop());
    expect(pipeline.dryRun).toBe(true);
    const response = await fetch(pipeline.eventsUrl, {
      method: "POST",
      headers: { Authorization: "Bearer k" },
      body: JSON.stringify({
        data: [
          { event: "Lead", event_id: "d1", event_time: now() },
          { event: "Lead", event_id: "d2", event_time: now() },
        ],
      }),
    });
    expect(response.status).toBe(202);
    await waitFor(async () => (await pipeline.stats()).events.dry_run === 2, 15_000, "2 events printed");
    const stats = await pipeline.stats();
    expect(stats.events).toMatchObject({ accepted: 2, delivered: 0, dry_run: 2, in_queue: 0 });
    expect(printed.join("\n")).toContain("[dry run] POST 2 event(s)");
    expect(summaryLine(stats)).toContain("delivered 0, dry run 2 (printed, not sent)");
    const request = logs.find((line) => line.includes("tiktok request"));
    expect(request).toContain("outcome=dry_run");
    expect(logs.join("\n")).not.toContain("outcome=delivered");
  });

  it("counts real deliveries as delivered when a token is set", async () => {
    const tiktok: FakeTikTok = await startFakeTikTok();
    closers.push(() => tiktok.close());
    const pipeline = await startTestPipeline(
      tiktok,
      { SENDER_BATCHING_WINDOW_MS: "100" },
      consoleLog(() => {}),
    );
    closers.push(() => pipeline.stop());
    await fetch(pipeline.eventsUrl, {
      method: "POST",
      headers: { Authorization: "Bearer k" },
      body: JSON.stringify({ event: "Lead", event_id: "r1", event_time: now() }),
    });
    await waitFor(async () => (await pipeline.stats()).events.delivered === 1, 15_000, "1 delivery");
    expect((await pipeline.stats()).events.dry_run).toBe(0);
  });
});

/** Runs a bin/ script to its end; resolves with its exit code and output. */
function run(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("a busy SQS port", () => {
  it("stops npm start and npm run queue with one line naming the port and the fix, no stack trace", async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => squatter.close(resolve)));
    const port = String((squatter.address() as AddressInfo).port);

    const start = await run("bin/local.ts", { SQS_PORT: port, PORT: "0", DYNAMODB_PORT: "0", STATS_INTERVAL_SECONDS: "0" });
    expect(start.code).toBe(1);
    expect(start.output.trim()).toBe(
      `cannot start: port ${port} is in use (another relay?). Choose others: PORT=3001 SQS_PORT=9325 DYNAMODB_PORT=8001 npm start`,
    );

    const queue = await run("bin/queue.ts", { SQS_PORT: port, DYNAMODB_PORT: "0" });
    expect(queue.code).toBe(1);
    expect(queue.output.trim()).toBe(
      `cannot start: port ${port} is in use (another queue server?). Choose others: SQS_PORT=9325 DYNAMODB_PORT=8001 npm run queue`,
    );
  });
});

describe("Ctrl-C with events still in the in-memory queue", () => {
  it("says how many accepted events are lost", async () => {
    // TikTok never answers within the run: the accepted events stay queued (in flight) when the relay stops.
    const tiktok = await startFakeTikTok(() => ({ hang: true }));
    closers.push(() => tiktok.close());
    const relay = await startRelayProcess({
      SQS_PORT: "0",
      INGEST_API_KEY: "k",
      TIKTOK_PIXEL_CODE: "C4PIXEL0000000000001",
      TIKTOK_ACCESS_TOKEN: "t",
      TIKTOK_API_URL: tiktok.url,
      // Stopping waits for the request in flight: keep that short.
      TIKTOK_REQUEST_TIMEOUT_MS: "2000",
      SENDER_BATCHING_WINDOW_MS: "100",
    });
    closers.push(() => relay.kill());
    const data = Array.from({ length: 7 }, (_, i) => ({ event: "Lead", event_id: `q${i}`, event_time: now() }));
    const response = await fetch(relay.eventsUrl, {
      method: "POST",
      headers: { Authorization: "Bearer k" },
      body: JSON.stringify({ data }),
    });
    expect(response.status).toBe(202);
    await waitFor(() => tiktok.requests.length > 0, 15_000, "the sender to be sending");
    const exited = new Promise<number | null>((resolve) => relay.child.once("exit", (code) => resolve(code)));
    relay.child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(relay.output()).toContain("stopping: 7 accepted event(s) were still queued in memory and are lost");
  });
});
