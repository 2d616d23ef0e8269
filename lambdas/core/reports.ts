import type { SenderMetric, WebhookRefusalReason, WebhookSkipReason } from "../contract";
import type { Destination } from "./destination";
import type { TikTokEvent } from "./schema";

// What handlers tell the outside world about their work: CloudWatch metrics in AWS (lambdas/aws/), the
// /stats page locally (local/stats.ts). The handlers only produce these reports.

export interface IngestReport {
  /** Events in the body (0 when the body could not be read as events). */
  received: number;
  accepted: { destination: Destination; event: TikTokEvent }[];
  /** Refused events by reason ("invalid:event_time"), or the request itself ("body_not_json", "too_large"). */
  rejected: Record<string, number>;
}

/** Counts the sender's outcomes; a dimension (Reason, Code) only for the data points that carry one. */
export type Counter = (metric: SenderMetric, value: number, dimension?: { name: string; value: string }) => void;

/** A WooCommerce delivery that queued nothing: refused (4xx) or skipped (200), with a reason from a fixed list. */
export type WebhookOutcome = { kind: "refused"; reason: WebhookRefusalReason } | { kind: "skipped"; reason: WebhookSkipReason };
