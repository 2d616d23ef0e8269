import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DeadLetterMessage } from "./dead-letter-message";
import { messageLine, peekReport, type ReasonGroup } from "./format";
import { type Queue, queueName } from "./queues";
import { type ScanOptions, scanQueue } from "./scan";

// `npm run dlq -- peek`: what is in the DLQ and why, to decide what to redrive. Every message read is
// left in the queue.

export interface PeekDeps {
  sqs: SQSClient;
  print: (line: string) => void;
  scan?: ScanOptions;
}

/** With a tenant: only that tenant's messages are counted (every message is still read and left in place). */
export async function peekDeadLetters(dlq: Queue, max: number, deps: PeekDeps, tenant?: string, ids = false): Promise<number> {
  const { Attributes = {} } = await deps.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.url, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  const groups = new Map<string, ReasonGroup>();
  const listed: DeadLetterMessage[] = [];
  const read = await scanQueue(
    deps.sqs,
    dlq.url,
    async (batch) => {
      for (const message of batch) {
        if (tenant !== undefined && message.tenant !== tenant) continue;
        const group = groups.get(message.reason) ?? { reason: message.reason, count: 0, events: new Map(), sample: message };
        group.count++;
        const name = message.eventName ?? "(no event name)";
        group.events.set(name, (group.events.get(name) ?? 0) + 1);
        groups.set(message.reason, group);
        if (ids) listed.push(message);
      }
      return batch;
    },
    { ...deps.scan, max },
  );
  if (read === 0) {
    deps.print(`${queueName(dlq.url)} is empty: nothing to look at`);
    return 0;
  }
  for (const line of peekReport([...groups.values()], queueName(dlq.url), read, Number(Attributes.ApproximateNumberOfMessages ?? 0), max))
    deps.print(line);
  if (ids) {
    // Every message read, not one sample per reason: what a selective redrive (--event) would name.
    deps.print("");
    for (const message of listed) deps.print(messageLine(message));
  }
  return 0;
}
