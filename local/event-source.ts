import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Log } from "../lambdas/core/log";

// Plays Lambda's SQS event source mapping on one machine: gathers up to batchSize messages within the
// batching window, invokes the handler, deletes what succeeded and leaves each batch-item failure to
// reappear after the visibility timeout (and to reach the DLQ after maxReceiveCount receives).

export interface EventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  batchingWindowMs: number;
  maxConcurrency: number;
  /** The function's timeout: the handler gets Lambda's remaining-time clock, and a batch that outlives it fails whole. */
  timeoutMs: number;
  handler: (event: SQSEvent, context: InvocationContext) => Promise<SQSBatchResponse>;
  log: Log;
  /** Called after each invocation, with how many messages it saw and how many failed. */
  onInvoke?: (records: number, failed: number) => void;
}

/** The part of Lambda's context the sender reads: how long the invocation may still run. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export interface EventSource {
  stop(): Promise<void>;
}

// Keep the long poll short and well under the queue's visibility timeout: a poll longer than the
// visibility timeout can hand out the same message twice.
const WAIT_SECONDS = 1;

export function startEventSource(options: EventSourceOptions): EventSource {
  let stopped = false;
  const workers = Array.from({ length: options.maxConcurrency }, () => work());

  async function work(): Promise<void> {
    while (!stopped) {
      try {
        const messages = await gather();
        if (messages.length > 0) await invoke(messages);
      } catch (error) {
        if (stopped) return;
        options.log.error("event source poll failed", { reason: error instanceof Error ? error.message : String(error) });
        await sleep(500);
      }
    }
  }

  async function receive(max: number, waitSeconds: number): Promise<Message[]> {
    const result = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
        // local-aws-sqs reads only the older name of this parameter; real SQS accepts both.
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    return result.Messages ?? [];
  }

  async function gather(): Promise<Message[]> {
    const batch = await receive(Math.min(10, options.batchSize), WAIT_SECONDS);
    if (batch.length === 0) return batch;
    const deadline = Date.now() + options.batchingWindowMs;
    while (batch.length < options.batchSize && Date.now() < deadline && !stopped) {
      const more = await receive(Math.min(10, options.batchSize - batch.length), 0);
      if (more.length === 0) await sleep(Math.min(50, Math.max(0, deadline - Date.now())));
      batch.push(...more);
    }
    // A message whose visibility ran out while the batch was gathered can come back into the same batch:
    // hand it to the handler once, with its newest receipt handle.
    return [...new Map(batch.map((message) => [message.MessageId, message])).values()];
  }

  async function invoke(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn)) };
    let failed: Set<string>;
    const deadline = Date.now() + options.timeoutMs;
    const context: InvocationContext = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    try {
      const response = await options.handler(event, context);
      if (Date.now() > deadline) {
        // Like Lambda: an invocation past its timeout is stopped, and its answer never reaches SQS.
        options.log.error("sender ran past its timeout; the whole batch will be retried", { timeoutMs: options.timeoutMs });
        failed = new Set(messages.map((message) => message.MessageId!));
      } else {
        failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      }
    } catch (error) {
      // Like Lambda: a handler that throws fails the whole batch.
      options.log.error("sender threw; the whole batch will be retried", {
        reason: error instanceof Error ? error.message : String(error),
      });
      failed = new Set(messages.map((message) => message.MessageId!));
    }
    const done = messages.filter((message) => !failed.has(message.MessageId!));
    for (let start = 0; start < done.length; start += 10) {
      await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.slice(start, start + 10).map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    options.onInvoke?.(messages.length, failed.size);
  }

  return {
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

/** The record Lambda hands the function for one received message. */
export function toRecord(message: Message, queueArn: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      { dataType: value.DataType ?? "String", stringValue: value.StringValue, stringListValues: [], binaryListValues: [] },
    ]),
  );
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? "1",
      SentTimestamp: system.SentTimestamp ?? String(Date.now()),
      SenderId: system.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: attributes,
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: "us-east-1",
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
