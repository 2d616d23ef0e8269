import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { addToTally, type CoverageTally, emptyTally, MATCH_KEYS } from "../lambdas/core/match-quality";
import type { Counter, IngestReport, WebhookOutcome } from "../lambdas/core/reports";

// What `GET /stats` shows and `npm start` summarises: the local pipeline's counts since it started, and the
// match quality of the events it accepted. The same figures the stack publishes as CloudWatch metrics.

export class LocalStats {
  /** In a dry run nothing reaches TikTok: what the sender counts as delivered was only printed. */
  constructor(private readonly dryRun = false) {}

  private received = 0;
  private readonly webhook = { refused: {} as Record<string, number>, skipped: {} as Record<string, number> };
  private accepted = 0;
  private readonly rejected: Record<string, number> = {};
  private readonly sender: Record<string, number> = {};
  private readonly overall = emptyTally();
  private readonly byEvent = new Map<string, CoverageTally>();
  private version = 0;

  observeIngest = (report: IngestReport): void => {
    this.version++;
    this.received += report.received;
    this.accepted += report.accepted.length;
    for (const [reason, count] of Object.entries(report.rejected)) this.rejected[reason] = (this.rejected[reason] ?? 0) + count;
    for (const { event } of report.accepted) {
      addToTally(this.overall, event);
      let tally = this.byEvent.get(event.event);
      if (!tally) {
        tally = emptyTally();
        this.byEvent.set(event.event, tally);
      }
      addToTally(tally, event);
    }
  };

  /** The sender's outcome counter: totals only (the dimensioned copies would count twice). */
  countSender: Counter = (metric, value, dimension) => {
    if (dimension) return;
    this.version++;
    const name = this.dryRun && metric === "EventsDelivered" ? DRY_RUN : metric;
    this.sender[name] = (this.sender[name] ?? 0) + value;
  };

  /** WooCommerce deliveries refused or skipped, by reason (the metrics the stack alarms on). */
  recordWebhook = (outcome: WebhookOutcome): void => {
    this.version++;
    const counts = this.webhook[outcome.kind];
    counts[outcome.reason] = (counts[outcome.reason] ?? 0) + 1;
  };

  /** Changes whenever a count does: the summary line is printed only while traffic flows. */
  get changes(): number {
    return this.version;
  }

  async snapshot(client: SQSClient, queueUrl: string, deadLetterQueueUrl: string) {
    return {
      events: {
        received: this.received,
        accepted: this.accepted,
        rejected: Object.values(this.rejected).reduce((sum, count) => sum + count, 0),
        rejected_by_reason: { ...this.rejected },
        delivered: this.sender.EventsDelivered ?? 0,
        /** Skipped: the delivery ledger says TikTok accepted them before. */
        already_delivered: this.sender.EventsAlreadyDelivered ?? 0,
        /** Printed instead of sent (no TIKTOK_ACCESS_TOKEN): never counted as delivered. */
        dry_run: this.sender[DRY_RUN] ?? 0,
        retried: this.sender.EventsRetried ?? 0,
        dead_lettered: this.sender.EventsDeadLettered ?? 0,
        /** Events the delivery ledger could not be read or written for (sent anyway, or sent and not recorded). */
        ledger_errors: this.sender.LedgerErrors ?? 0,
        in_queue: await visibleAndInFlight(client, queueUrl),
        in_dlq: await visibleAndInFlight(client, deadLetterQueueUrl),
      },
      woocommerce: { refused_by_reason: { ...this.webhook.refused }, skipped_by_reason: { ...this.webhook.skipped } },
      match_quality: {
        overall: describe(this.overall),
        by_event: Object.fromEntries([...this.byEvent].map(([name, tally]) => [name, describe(tally)])),
      },
    };
  }
}

const DRY_RUN = "dry_run";

export type StatsSnapshot = Awaited<ReturnType<LocalStats["snapshot"]>>;

/** One line for the terminal. */
export function summaryLine(stats: StatsSnapshot): string {
  const { events, match_quality: quality } = stats;
  return (
    `stats: received ${events.received}, accepted ${events.accepted}, rejected ${events.rejected}, delivered ${events.delivered}, ` +
    (events.dry_run > 0 ? `dry run ${events.dry_run} (printed, not sent), ` : "") +
    `retried ${events.retried}, in queue ${events.in_queue}, in DLQ ${events.in_dlq}; match score ${quality.overall.score} ` +
    `(strong key on ${percent(quality.overall.strong_key_share)} of events)`
  );
}

function describe(tally: CoverageTally) {
  const share = (count: number) => (tally.events === 0 ? 0 : round(count / tally.events));
  return {
    events: tally.events,
    /** Average coverage score, 0–100 (see README, Match quality). */
    score: tally.events === 0 ? 0 : round(tally.scoreSum / tally.events, 1),
    strong_key_share: share(tally.withStrongKey),
    coverage: Object.fromEntries(MATCH_KEYS.map((key) => [key, share(tally.keys[key])])),
  };
}

async function visibleAndInFlight(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  // local-aws-sqs counts in-flight messages in both attributes (real SQS does not): take the larger.
  return Math.max(Number(Attributes.ApproximateNumberOfMessages ?? 0), Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0));
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const percent = (share: number) => `${Math.round(share * 100)}%`;
