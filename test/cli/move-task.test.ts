import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseRedriveArgs } from "../../cli/args";
import { runRedrive } from "../../cli/commands";
import { guarded } from "../../cli/errors";
import { deadLetterAttributes } from "../../lambdas/core/dead-letter";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { depth, takeAll, waitFor } from "../support/queues";

// The whole-DLQ redrive: an SQS message move task on the real SQS protocol (local-aws-sqs), started,
// followed and cancelled by the command as a user runs it.

let queues: LocalQueues;
beforeAll(async () => {
  // maxReceiveCount 1: one failed receive is enough for SQS itself to dead-letter a message.
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 1, visibilityTimeoutSeconds: 1 });
});
afterAll(async () => queues.close());
beforeEach(async () => {
  await takeAll(queues.client, queues.eventsQueueUrl);
  await takeAll(queues.client, queues.deadLetterQueueUrl);
});

const body = (id: string): string =>
  JSON.stringify({
    pixel_code: "C4PIXEL0000000000001",
    event: { event: "CompletePayment", event_id: id, event_time: 1767225600, user: { email: "e".repeat(64) } },
  });

/** As the sender dead-letters a message TikTok refused: the body plus the reason attributes. */
async function deadLetterBySender(id: string, reason: string): Promise<void> {
  await queues.client.send(
    new SendMessageCommand({
      QueueUrl: queues.deadLetterQueueUrl,
      MessageBody: body(id),
      MessageAttributes: deadLetterAttributes({ reason, detail: "refused", eventName: "CompletePayment", eventId: id, attempts: 5 }),
    }),
  );
}

/** As SQS dead-letters a message after maxReceiveCount receives: no reason attributes. */
async function deadLetterBySqs(id: string): Promise<void> {
  const before = await depth(queues.client, queues.deadLetterQueueUrl);
  await queues.client.send(
    new SendMessageCommand({
      QueueUrl: queues.eventsQueueUrl,
      MessageBody: body(id),
      MessageAttributes: { event_name: { DataType: "String", StringValue: "CompletePayment" } },
    }),
  );
  await queues.client.send(new ReceiveMessageCommand({ QueueUrl: queues.eventsQueueUrl, VisibilityTimeout: 0 }));
  await waitFor(
    async () => {
      await queues.client.send(new ReceiveMessageCommand({ QueueUrl: queues.eventsQueueUrl, VisibilityTimeout: 0 }));
      return (await depth(queues.client, queues.deadLetterQueueUrl)) > before;
    },
    5000,
    "SQS to dead-letter the message",
  );
}

async function redrive(argv: string[]) {
  const lines: string[] = [];
  const code = await guarded(
    () => runRedrive(parseRedriveArgs(argv), { sqs: queues.client, print: (line) => lines.push(line), pollMs: 100 }),
    (line) => lines.push(line),
  );
  return { code, lines, output: lines.join("\n") };
}

async function taskRunning(): Promise<boolean> {
  const { Attributes } = await queues.client.send(
    new GetQueueAttributesCommand({ QueueUrl: queues.deadLetterQueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const { Results = [] } = await queues.client.send(new ListMessageMoveTasksCommand({ SourceArn: Attributes!.QueueArn!, MaxResults: 10 }));
  return Results.some((task) => task.Status === "RUNNING");
}

const dlqFlags = () => ["--dlq", queues.deadLetterQueueUrl];

describe("redrive with an SQS move task", () => {
  it("moves every message back to the events queue with its body unchanged, whoever dead-lettered it", async () => {
    await deadLetterBySqs("sqs-1");
    for (const [i, reason] of ["40002", "50000", "too_old"].entries()) await deadLetterBySender(`sender-${i}`, reason);
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(4);

    const { code, lines, output } = await redrive(dlqFlags());

    expect(code).toBe(0);
    expect(lines[0]).toBe("redriving about 4 messages from tiktok-relay-dlq to tiktok-relay-events (SQS move task, rate chosen by SQS)");
    expect(output).toContain("COMPLETED: 4 / 4 moved");
    expect(lines.at(-1)).toBe("done: 4 messages moved back to tiktok-relay-events");
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(0);
    const moved = await takeAll(queues.client, queues.eventsQueueUrl);
    expect(moved.map((m) => m.Body).sort()).toEqual(["sender-0", "sender-1", "sender-2", "sqs-1"].map(body).sort());
    // The move task keeps every attribute, so the sender still finds the event name it expects.
    expect(moved.every((m) => m.MessageAttributes?.event_name?.StringValue === "CompletePayment")).toBe(true);
  });

  it("passes --rate through and reports progress until the task completes", async () => {
    for (let i = 0; i < 2; i++) await deadLetterBySender(`slow-${i}`, "50000");

    const { code, lines } = await redrive([...dlqFlags(), "--rate", "1"]);

    expect(code).toBe(0);
    expect(lines[0]).toContain("at most 1 per second");
    // One message a second: the progress is seen moving, not only the end.
    expect(lines.filter((line) => line.startsWith("RUNNING: ")).length).toBeGreaterThanOrEqual(2);
    expect(lines).toContain("COMPLETED: 2 / 2 moved");
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(2);
  });

  it("refuses to start a second task while one runs, and --cancel stops the running one", async () => {
    for (let i = 0; i < 6; i++) await deadLetterBySender(`c-${i}`, "50000");
    const first = redrive([...dlqFlags(), "--rate", "1"]);
    await waitFor(async () => (await depth(queues.client, queues.eventsQueueUrl)) >= 1, 5000, "the first message moved");

    const second = await redrive(dlqFlags());
    expect(second.code).toBe(1);
    expect(second.lines).toHaveLength(1);
    expect(second.output).toMatch(
      /^error: a move task is already running on this DLQ \(\d of 6 moved\): follow it with `npm run redrive -- --dlq \S+ --follow` or stop it with `npm run redrive -- --dlq \S+ --cancel`$/,
    );

    const cancel = await redrive([...dlqFlags(), "--cancel"]);
    expect(cancel.code).toBe(0);
    expect(cancel.lines[0]).toMatch(/^cancelling the move task on tiktok-relay-dlq: \d messages moved so far$/);
    expect(cancel.lines.at(-1)).toMatch(/^cancelled: \d messages moved, about \d left in the DLQ$/);

    const followed = await first;
    expect(followed.code).toBe(1);
    expect(followed.lines.at(-1)).toMatch(/^the move task ended CANCELLED after moving \d messages; the rest is still in the DLQ$/);
    const inEvents = await depth(queues.client, queues.eventsQueueUrl);
    const inDlq = await depth(queues.client, queues.deadLetterQueueUrl);
    expect(inEvents).toBeGreaterThanOrEqual(1);
    expect(inDlq).toBeGreaterThanOrEqual(1);
    expect(inEvents + inDlq).toBe(6);
    expect(cancel.lines.at(-1)).toContain(`cancelled: ${inEvents} messages moved`);
  });

  it("--follow watches a task started elsewhere; --cancel and --follow without a task say so", async () => {
    for (let i = 0; i < 2; i++) await deadLetterBySender(`f-${i}`, "50000");
    const started = redrive([...dlqFlags(), "--rate", "1"]);
    await waitFor(taskRunning, 5000, "the task to run");

    const followed = await redrive([...dlqFlags(), "--follow"]);
    expect(followed.code).toBe(0);
    expect(followed.lines.at(-1)).toBe("done: 2 messages moved back");
    expect((await started).code).toBe(0);

    expect((await redrive([...dlqFlags(), "--cancel"])).output).toBe(
      "error: no move task is running on tiktok-relay-dlq: nothing to cancel",
    );
    expect((await redrive([...dlqFlags(), "--follow"])).output).toBe(
      "error: no move task is running on tiktok-relay-dlq: nothing to follow",
    );
  });

  it("says there is nothing to redrive when the DLQ is empty, and exits 0", async () => {
    const { code, output } = await redrive(dlqFlags());
    expect(code).toBe(0);
    expect(output).toBe("nothing to redrive: tiktok-relay-dlq is empty");
  });
});

describe("rows that fail again during the redrive", () => {
  it("are not taken round again: the task stops after the messages the DLQ held, and the report says what came back", async () => {
    for (const id of ["r1", "r2", "r3"]) await deadLetterBySender(id, "40002");
    // A sender that refuses every row at once: whatever reaches the events queue goes straight back to the DLQ.
    let running = true;
    const bounce = (async () => {
      while (running) {
        for (const message of await takeAll(queues.client, queues.eventsQueueUrl)) {
          await queues.client.send(new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: message.Body! }));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const printed: string[] = [];
    try {
      const exit = await runRedrive(parseRedriveArgs(["--dlq", queues.deadLetterQueueUrl, "--rate", "1"]), {
        sqs: queues.client,
        print: (line) => printed.push(line),
        pollMs: 50,
      });
      expect(exit).toBe(0);
      // Everything is in the DLQ again, once each: nothing cycles on, nothing is lost.
      await waitFor(
        async () =>
          (await depth(queues.client, queues.deadLetterQueueUrl)) === 3 && (await depth(queues.client, queues.eventsQueueUrl)) === 0,
        10_000,
        "the 3 rows back in the DLQ",
      );
    } finally {
      running = false;
      await bounce;
    }
    const last = printed.at(-1)!;
    expect(last).toMatch(/^done: (\d+) messages moved back to tiktok-relay-events/);
    const moved = Number(/^done: (\d+)/.exec(last)![1]);
    // At most a poll's worth more than the 3 it started with, and said so when it happened.
    expect(moved).toBeGreaterThanOrEqual(3);
    expect(moved).toBeLessThanOrEqual(5);
    if (moved > 3) expect(last).toContain(`of which about ${moved - 3} came back to the DLQ during the move`);
    if (!last.includes("stopped there")) expect(moved).toBe(3);
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(3);
  });
});
