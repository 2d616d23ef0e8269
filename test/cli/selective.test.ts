import { CreateQueueCommand, type Message, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseRedriveArgs } from "../../cli/args";
import { runRedrive } from "../../cli/commands";
import { guarded } from "../../cli/errors";
import { deadLetterAttributes } from "../../lambdas/core/dead-letter";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { depth, takeAll } from "../support/queues";

// Selective redrive on the real SQS protocol: exactly the matching messages go back to the events queue,
// everything else is left in the DLQ and visible again, and a dry run changes nothing.

// local-aws-sqs holds a long poll open until it has a full batch of 10 (SQS answers as soon as it has one),
// so a 1 s long poll costs 1 s per partial batch here; its 0 s receive still gathers for 40 ms, enough to
// see every message of an in-memory queue.
const FAST_SCAN = { waitSeconds: 0 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Seed {
  id: string;
  event: string;
  /** undefined: dead-lettered by SQS itself, without the sender's attributes. */
  reason?: string;
  failedAgoMs?: number;
}

// 40002 ×3, 50000 ×5, too_old ×2, unknown ×1, over two event names.
const SEEDS: Seed[] = [
  ...[0, 1, 2].map((i) => ({ id: `bad-${i}`, event: "AddToCart", reason: "40002", failedAgoMs: 3 * DAY })),
  ...[0, 1, 2].map((i) => ({ id: `err-cp-${i}`, event: "CompletePayment", reason: "50000", failedAgoMs: HOUR })),
  ...[0, 1].map((i) => ({ id: `err-atc-${i}`, event: "AddToCart", reason: "50000", failedAgoMs: HOUR })),
  ...[0, 1].map((i) => ({ id: `old-${i}`, event: "CompletePayment", reason: "too_old", failedAgoMs: 5 * DAY })),
  { id: "crash-0", event: "CompletePayment" },
];

const body = (seed: Seed): string =>
  JSON.stringify({
    pixel_code: "C4PIXEL0000000000001",
    event: { event: seed.event, event_id: seed.id, event_time: 1767225600, user: { email: "e".repeat(64), phone: "f".repeat(64) } },
  });

let queues: LocalQueues;
/** What each test starts from: SQS message id, body and attributes of every seeded message. */
let seeded: ReturnType<typeof snapshot>;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(async () => queues.close());
beforeEach(async () => {
  await takeAll(queues.client, queues.eventsQueueUrl);
  await takeAll(queues.client, queues.deadLetterQueueUrl);
  const now = Date.now();
  const sent: Message[] = [];
  for (const seed of SEEDS) {
    const attributes = seed.reason
      ? deadLetterAttributes({
          reason: seed.reason,
          detail: `detail of ${seed.reason}`,
          failedAt: new Date(now - seed.failedAgoMs!).toISOString(),
          eventName: seed.event,
          eventId: seed.id,
          attempts: 5,
        })
      : { event_name: { DataType: "String", StringValue: seed.event } };
    const { MessageId } = await queues.client.send(
      new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: body(seed), MessageAttributes: attributes }),
    );
    sent.push({ MessageId, Body: body(seed), MessageAttributes: attributes });
  }
  seeded = snapshot(sent);
});

async function redrive(...flags: string[]) {
  const lines: string[] = [];
  const code = await guarded(
    () =>
      runRedrive(parseRedriveArgs(["--dlq", queues.deadLetterQueueUrl, ...flags]), {
        sqs: queues.client,
        print: (line) => lines.push(line),
        scan: FAST_SCAN,
      }),
    (line) => lines.push(line),
  );
  return { code, lines };
}

const ids = (messages: Message[]) => messages.map((m) => JSON.parse(m.Body!).event.event_id as string).sort();
const seedIds = (keep: (seed: Seed) => boolean) =>
  SEEDS.filter(keep)
    .map((seed) => seed.id)
    .sort();

describe("selective redrive", () => {
  it("--reason 50000 moves exactly those 5, with their bodies and only the event_name attribute; the DLQ keeps 6", async () => {
    const { code, lines } = await redrive("--reason", "50000");

    expect(code).toBe(0);
    expect(lines).toEqual([
      "moved 5 of 11 messages from tiktok-relay-dlq to tiktok-relay-events; 6 left in the DLQ",
      "  reason   moved  skipped",
      "  50000        5        0",
      "  40002        0        3",
      "  too_old      0        2",
      "  unknown      0        1",
    ]);
    const moved = await takeAll(queues.client, queues.eventsQueueUrl);
    expect(ids(moved)).toEqual(seedIds((s) => s.reason === "50000"));
    for (const message of moved) {
      expect(message.Body).toBe(body(SEEDS.find((s) => s.id === JSON.parse(message.Body!).event.event_id)!));
      expect(Object.keys(message.MessageAttributes ?? {})).toEqual(["event_name"]);
    }
    // Left in the DLQ and visible again at once, with the sender's attributes intact.
    const left = await takeAll(queues.client, queues.deadLetterQueueUrl);
    expect(ids(left)).toEqual(seedIds((s) => s.reason !== "50000"));
    expect(left.find((m) => m.Body!.includes("bad-0"))!.MessageAttributes?.reason?.StringValue).toBe("40002");
  });

  it("--event CompletePayment moves that event whatever the reason, including one SQS dead-lettered", async () => {
    const { code, lines } = await redrive("--event", "CompletePayment");

    expect(code).toBe(0);
    expect(lines[0]).toBe("moved 6 of 11 messages from tiktok-relay-dlq to tiktok-relay-events; 5 left in the DLQ");
    expect(ids(await takeAll(queues.client, queues.eventsQueueUrl))).toEqual(seedIds((s) => s.event === "CompletePayment"));
    expect(ids(await takeAll(queues.client, queues.deadLetterQueueUrl))).toEqual(seedIds((s) => s.event === "AddToCart"));
  });

  it("--older-than reads failed_at; repeated and comma-separated reasons combine with it", async () => {
    const older = await redrive("--older-than", "2d");
    expect(older.code).toBe(0);
    expect(older.lines[0]).toBe("moved 5 of 11 messages from tiktok-relay-dlq to tiktok-relay-events; 6 left in the DLQ");
    expect(ids(await takeAll(queues.client, queues.eventsQueueUrl))).toEqual(seedIds((s) => (s.failedAgoMs ?? 0) > 2 * DAY));

    const both = await redrive("--reason", "40002,too_old", "--reason", "unknown", "--older-than", "4d");
    expect(both.lines[0]).toBe("moved 0 of 6 messages from tiktok-relay-dlq to tiktok-relay-events; 6 left in the DLQ");
    // The message SQS dead-lettered has no failed_at: its send time (just now) decides.
    const unknown = await redrive("--reason", "unknown", "--older-than", "1m");
    expect(unknown.lines[0]).toBe("moved 0 of 6 messages from tiktok-relay-dlq to tiktok-relay-events; 6 left in the DLQ");
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(0);
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(6);
  });

  it("--dry-run prints what would move and leaves both queues exactly as they were", async () => {
    const { code, lines } = await redrive("--reason", "50000", "--dry-run");

    expect(code).toBe(0);
    const wouldMove = lines.filter((line) => line.startsWith("would move  "));
    expect(wouldMove).toHaveLength(5);
    expect(wouldMove).toContainEqual(
      expect.stringMatching(/^would move {2}err-cp-0 {2}CompletePayment {2}reason=50000 {2}failed_at=\d{4}-\d\d-\d\dT/),
    );
    expect(lines.slice(5)).toEqual([
      "dry run: would move 5 of 11 messages from tiktok-relay-dlq to tiktok-relay-events; nothing was changed",
      "  reason   would move  skipped",
      "  50000             5        0",
      "  40002             0        3",
      "  too_old           0        2",
      "  unknown           0        1",
    ]);
    expect(lines.join("\n")).not.toContain("e".repeat(64));
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(0);
    // The same messages (SQS ids), bodies and attributes, all visible again.
    expect(snapshot(await takeAll(queues.client, queues.deadLetterQueueUrl))).toEqual(seeded);
  });
});

function snapshot(messages: Pick<Message, "MessageId" | "Body" | "MessageAttributes">[]) {
  return messages
    .map((m) => ({ id: m.MessageId, body: m.Body, attributes: m.MessageAttributes }))
    .sort((a, b) => a.body!.localeCompare(b.body!));
}

describe("selective redrive when the destination refuses a message", () => {
  it("keeps that message in the DLQ, moves the others, and exits 1", async () => {
    // A real refusal from the server: a destination whose size limit the big message exceeds.
    const { QueueUrl: small } = await queues.client.send(
      new CreateQueueCommand({ QueueName: "small-target", Attributes: { MaximumMessageSize: "1024" } }),
    );
    const big = { id: "big-0", event: "Lead", reason: "50000", failedAgoMs: HOUR };
    await queues.client.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MessageBody: body(big).replace('"user":{', `"page":{"url":"https://shop.example/${"p".repeat(1200)}"},"user":{`),
        MessageAttributes: deadLetterAttributes({ reason: "50000", detail: "-", eventName: "Lead", eventId: "big-0" }),
      }),
    );

    const { code, lines } = await redrive("--queue", small!, "--reason", "50000");

    expect(code).toBe(1);
    expect(lines[0]).toBe("moved 5 of 12 messages from tiktok-relay-dlq to small-target; 7 left in the DLQ");
    expect(lines.at(-1)).toMatch(/^1 matching messages could not be sent and are still in the DLQ \(first error: .+\)$/);
    expect(ids(await takeAll(queues.client, small!))).toEqual(seedIds((s) => s.reason === "50000"));
    expect(ids(await takeAll(queues.client, queues.deadLetterQueueUrl))).toEqual([...seedIds((s) => s.reason !== "50000"), "big-0"].sort());
  });
});
