import "./node-notice";
import { ENV, LOCAL_INTEGER_SETTINGS } from "../lambdas/contract";
import { setting } from "../lambdas/core/config";
import { consoleLog } from "../local/console-log";
import { LOCAL_DEFAULT_API_KEY, type LocalPipeline, startLocalPipeline } from "../local/pipeline";
import { summaryLine } from "../local/stats";

// `npm start`: the relay on this machine. Ctrl-C stops it, saying how many accepted events were still queued:
// with the embedded queue (in memory) they are lost, and a 202 must never vanish without a word.

const log = consoleLog();
try {
  const pipeline = await startLocalPipeline({ env: process.env, log });
  const key = process.env[ENV.ingestApiKey]?.trim() ? "<your INGEST_API_KEY>" : LOCAL_DEFAULT_API_KEY;
  console.log(
    [
      "tiktok-events-relay is running locally",
      `  ingest:      POST ${pipeline.eventsUrl}   (Authorization: Bearer ${key})`,
      `  WooCommerce: POST ${pipeline.woocommerceUrl}   (${process.env[ENV.webhookSecret]?.trim() ? "signed with WOOCOMMERCE_WEBHOOK_SECRET" : "set WOOCOMMERCE_WEBHOOK_SECRET to accept webhooks"})`,
      `  tenants:     POST ${pipeline.woocommerceUrl}/<tenant>; npm run tenants -- add <name> --pixel <code> --local`,
      `  stats:       GET ${pipeline.apiUrl}/stats`,
      `  health:      GET ${pipeline.apiUrl}/health   (no key, no data: for monitors)`,
      `  SQS endpoint: ${pipeline.sqsEndpoint}   (AWS_ENDPOINT_URL_SQS=${pipeline.sqsEndpoint})`,
      `  events queue: ${pipeline.eventsQueueUrl}`,
      `  DLQ:          ${pipeline.deadLetterQueueUrl}`,
      `  ledger:       ${pipeline.ledgerEndpoint}   (${pipeline.durableLedger ? "external (DYNAMODB_ENDPOINT): survives a restart" : "embedded, in memory"}; npm run trace -- <event_id> --local)`,
      pipeline.durableQueues
        ? "  queues:       external (SQS_ENDPOINT): accepted events survive a restart of this process"
        : "  queues:       embedded, in memory: events not yet sent are lost when this process stops (npm run queue + SQS_ENDPOINT keeps them)",
      pipeline.dryRun
        ? "  mode:         DRY RUN (no TIKTOK_ACCESS_TOKEN): request bodies are printed, nothing is sent"
        : `  mode:         sending to ${process.env.TIKTOK_API_URL ?? "TikTok's Events API"}`,
    ].join("\n"),
  );
  // A one-line summary every STATS_INTERVAL_SECONDS while traffic flows (nothing when idle).
  const interval = setting(process.env, LOCAL_INTEGER_SETTINGS.statsIntervalSeconds);
  let printed = 0;
  if (interval > 0) {
    setInterval(async () => {
      const changes = pipeline.statsChanges();
      if (changes === printed) return;
      printed = changes;
      console.log(summaryLine(await pipeline.stats()));
    }, interval * 1000).unref();
  }
  const stop = async () => {
    console.log(await stoppingLine(pipeline));
    await pipeline.stop();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const busy = /EADDRINUSE.*:(\d+)/.exec(message)?.[1];
  console.error(
    busy
      ? `cannot start: port ${busy} is in use (another relay?). Choose others: PORT=3001 SQS_PORT=9325 DYNAMODB_PORT=8001 npm start`
      : `cannot start: ${message}`,
  );
  process.exit(1);
}

/** What stopping leaves behind: events that got a 202 and were not yet delivered. */
async function stoppingLine(pipeline: LocalPipeline): Promise<string> {
  let waiting: number;
  let dead: number;
  try {
    const { events } = await pipeline.stats();
    waiting = events.in_queue;
    dead = events.in_dlq;
  } catch {
    return "stopping: could not count the events still queued";
  }
  const where = dead > 0 ? ` (and ${dead} in the DLQ)` : "";
  if (pipeline.durableQueues) return `stopping: ${waiting} accepted event(s) stay queued at SQS_ENDPOINT${where}, for the next start`;
  if (waiting + dead === 0) return "stopping: no accepted event was waiting in memory";
  return `stopping: ${waiting} accepted event(s) were still queued in memory${where} and are lost; npm run queue with SQS_ENDPOINT keeps them across restarts`;
}
