import type { ListMessageMoveTasksResultEntry } from "@aws-sdk/client-sqs";
import type { Target } from "./args";
import type { DeadLetterMessage } from "./dead-letter-message";

// Everything the DLQ commands print. Only event names, ids, times and the reason fields appear: a body
// holds hashed identifiers, which are of no use to a person deciding what to redrive and stay out of terminals.

export interface ReasonGroup {
  reason: string;
  count: number;
  /** Event name → count. */
  events: Map<string, number>;
  sample: DeadLetterMessage;
}

export interface ReasonTally {
  moved: number;
  skipped: number;
}

export function targetFlags(target: Target): string {
  return target.stack !== undefined ? `--stack ${target.stack}` : `--dlq ${target.dlq}`;
}

export function taskProgress(task: ListMessageMoveTasksResultEntry): string {
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const total = task.ApproximateNumberOfMessagesToMove;
  return `${task.Status}: ${moved} / ${total ?? "?"} moved`;
}

export function messageLine(message: DeadLetterMessage): string {
  return [
    message.eventId ?? "(no event_id)",
    message.eventName ?? "(no event name)",
    `reason=${message.reason}`,
    `failed_at=${failedAt(message)}`,
    ...(message.tenant !== undefined ? [`tenant=${message.tenant}`] : []),
  ].join("  ");
}

export function selectiveSummary(tallies: Map<string, ReasonTally>, names: { dlq: string; source: string }, dryRun: boolean): string[] {
  const rows = [...tallies].sort(([a, x], [b, y]) => y.moved + y.skipped - (x.moved + x.skipped) || a.localeCompare(b));
  const moved = rows.reduce((sum, [, tally]) => sum + tally.moved, 0);
  const total = rows.reduce((sum, [, tally]) => sum + tally.moved + tally.skipped, 0);
  const head = dryRun
    ? `dry run: would move ${moved} of ${total} messages from ${names.dlq} to ${names.source}; nothing was changed`
    : `moved ${moved} of ${total} messages from ${names.dlq} to ${names.source}; ${total - moved} left in the DLQ`;
  const width = Math.max(6, ...rows.map(([reason]) => reason.length));
  const movedHeader = dryRun ? "would move" : "moved";
  const row = (reason: string, moved: string, skipped: string) =>
    `  ${reason.padEnd(width)}  ${moved.padStart(movedHeader.length)}  ${skipped.padStart(7)}`;
  return [
    head,
    row("reason", movedHeader, "skipped"),
    ...rows.map(([reason, tally]) => row(reason, String(tally.moved), String(tally.skipped))),
  ];
}

export function peekReport(groups: ReasonGroup[], dlqName: string, read: number, approximateTotal: number, max: number): string[] {
  const scope = read >= max && approximateTotal > read ? `the first ${read} of about ${approximateTotal}` : `${read}`;
  const lines = [`${dlqName}: ${scope} messages read, grouped by reason; nothing was removed`];
  for (const group of [...groups].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))) {
    const events = [...group.events].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([name, count]) => `${name} ${count}`);
    const { sample } = group;
    lines.push(
      "",
      `reason ${group.reason}: ${group.count} message${group.count === 1 ? "" : "s"}`,
      `  events:  ${events.join(", ")}`,
      `  sample:  event_id=${sample.eventId ?? "-"}  event=${sample.eventName ?? "-"}  failed_at=${failedAt(sample)}  attempts=${sample.attempts ?? "-"}`,
      `           reason_detail: ${sample.detail}`,
    );
  }
  return lines;
}

function failedAt(message: DeadLetterMessage): string {
  if (message.failedAt !== undefined) return message.failedAt;
  return message.failedAtMs === undefined ? "-" : `${new Date(message.failedAtMs).toISOString()} (sent)`;
}
