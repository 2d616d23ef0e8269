import { DeleteMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { DLQ_ATTRIBUTES } from "../lambdas/core/dead-letter";
import type { Filter } from "./args";
import type { DeadLetterMessage } from "./dead-letter-message";
import { describeError } from "./errors";
import { matches } from "./filter";
import { messageLine, type ReasonTally, selectiveSummary } from "./format";
import { type QueuePair, queueName } from "./queues";
import { type ScanOptions, scanQueue } from "./scan";

// Only the dead letters worth another try: a move task cannot choose, so matching messages are sent back
// one by one (same body, the event_name attribute the sender expects, none of the DLQ's reason attributes)
// and deleted from the DLQ only once the send succeeded. Everything else stays where it is.

export interface SelectiveDeps {
  sqs: SQSClient;
  print: (line: string) => void;
  now?: () => number;
  scan?: ScanOptions;
}

/** A dry run lists this many messages, then only counts. */
const LISTED = 100;

export async function redriveSelected(queues: QueuePair, filter: Filter, dryRun: boolean, deps: SelectiveDeps): Promise<number> {
  const { sqs, print } = deps;
  const now = deps.now?.() ?? Date.now();
  const tallies = new Map<string, ReasonTally>();
  const tally = (reason: string) => tallies.get(reason) ?? tallies.set(reason, { moved: 0, skipped: 0 }).get(reason)!;
  let listed = 0;
  let notSent = 0;
  let notDeleted = 0;
  let firstError: string | undefined;

  const seen = await scanQueue(
    sqs,
    queues.dlq.url,
    async (batch) => {
      const kept: DeadLetterMessage[] = [];
      await Promise.all(
        batch.map(async (message) => {
          if (!matches(message, filter, now)) {
            tally(message.reason).skipped++;
            kept.push(message);
            return;
          }
          if (dryRun) {
            if (listed++ < LISTED) print(`would move  ${messageLine(message)}`);
            tally(message.reason).moved++;
            kept.push(message);
            return;
          }
          const outcome = await moveOne(sqs, queues, message);
          if (outcome.kind === "not sent") {
            notSent++;
            firstError ??= outcome.error;
            tally(message.reason).skipped++;
            kept.push(message);
            return;
          }
          tally(message.reason).moved++;
          if (outcome.kind === "not deleted") notDeleted++;
        }),
      );
      return kept;
    },
    deps.scan,
  );

  if (seen === 0) {
    print(`nothing to redrive: ${queueName(queues.dlq.url)} is empty`);
    return 0;
  }
  if (dryRun && listed > LISTED) print(`… and ${listed - LISTED} more`);
  for (const line of selectiveSummary(tallies, { dlq: queueName(queues.dlq.url), source: queueName(queues.source.url) }, dryRun))
    print(line);
  if (notDeleted > 0) {
    print(
      `${notDeleted} messages were sent but could not be deleted from the DLQ: a later redrive sends them again (TikTok deduplicates on event_id)`,
    );
  }
  if (notSent > 0) {
    print(`${notSent} matching messages could not be sent and are still in the DLQ (first error: ${firstError})`);
    return 1;
  }
  return 0;
}

type Outcome = { kind: "moved" } | { kind: "not deleted" } | { kind: "not sent"; error: string };

async function moveOne(sqs: SQSClient, queues: QueuePair, message: DeadLetterMessage): Promise<Outcome> {
  try {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.source.url,
        MessageBody: message.body,
        MessageAttributes: message.eventName
          ? { [DLQ_ATTRIBUTES.eventName]: { DataType: "String", StringValue: message.eventName } }
          : undefined,
      }),
    );
  } catch (error) {
    return { kind: "not sent", error: describeError(error) };
  }
  try {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.dlq.url, ReceiptHandle: message.receiptHandle }));
    return { kind: "moved" };
  } catch {
    return { kind: "not deleted" };
  }
}
