import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseDlqArgs } from "../../cli/args";
import { runDlq } from "../../cli/commands";
import { guarded } from "../../cli/errors";
import { scanQueue } from "../../cli/scan";
import { deadLetterAttributes } from "../../lambdas/core/dead-letter";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { depth, takeAll } from "../support/queues";

// `npm run dlq -- peek`: grouped by reason, with a sample a person can act on, no hashed identifier or body,
// and every message still in the DLQ afterwards.

const EMAIL_HASH = "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f";
const PHONE_HASH = "a2996076d3ad4af5dc818b908b3d8e354f26ededf7df0e0aa6ac354143805ee0";
// See selective.test.ts: local-aws-sqs holds long polls open until it has 10 messages.
const FAST_SCAN = { waitSeconds: 0 };

let queues: LocalQueues;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(async () => queues.close());
beforeEach(async () => {
  await takeAll(queues.client, queues.deadLetterQueueUrl);
});

async function deadLetter(id: string, event: string, reason?: string): Promise<void> {
  const body = JSON.stringify({
    pixel_code: "C4PIXEL0000000000001",
    event: { event, event_id: id, event_time: 1767225600, user: { email: EMAIL_HASH, phone: PHONE_HASH }, properties: { value: 62.5 } },
  });
  await queues.client.send(
    new SendMessageCommand({
      QueueUrl: queues.deadLetterQueueUrl,
      MessageBody: body,
      MessageAttributes: reason
        ? deadLetterAttributes({
            reason,
            detail: reason === "40002" ? "Invalid value for field: data[0].properties.currency" : "Internal error",
            failedAt: "2026-01-01T10:00:00.000Z",
            eventName: event,
            eventId: id,
            attempts: 5,
          })
        : { event_name: { DataType: "String", StringValue: event } },
    }),
  );
}

async function dlq(...argv: string[]) {
  const lines: string[] = [];
  const code = await guarded(
    () => runDlq(parseDlqArgs(argv), { sqs: queues.client, print: (line) => lines.push(line), scan: FAST_SCAN }),
    (line) => lines.push(line),
  );
  return { code, lines, output: lines.join("\n") };
}

describe("dlq peek", () => {
  it("groups by reason with event counts and one sample, and leaves every message in the DLQ", async () => {
    for (let i = 0; i < 3; i++) await deadLetter(`bad-${i}`, i < 2 ? "CompletePayment" : "AddToCart", "40002");
    for (let i = 0; i < 5; i++) await deadLetter(`err-${i}`, "CompletePayment", "50000");
    await deadLetter("crash-0", "AddToCart");

    const { code, lines, output } = await dlq("peek", "--dlq", queues.deadLetterQueueUrl);

    expect(code).toBe(0);
    expect(lines).toEqual([
      "tiktok-relay-dlq: 9 messages read, grouped by reason; nothing was removed",
      "",
      "reason 50000: 5 messages",
      "  events:  CompletePayment 5",
      "  sample:  event_id=err-0  event=CompletePayment  failed_at=2026-01-01T10:00:00.000Z  attempts=5",
      "           reason_detail: Internal error",
      "",
      "reason 40002: 3 messages",
      "  events:  CompletePayment 2, AddToCart 1",
      "  sample:  event_id=bad-0  event=CompletePayment  failed_at=2026-01-01T10:00:00.000Z  attempts=5",
      "           reason_detail: Invalid value for field: data[0].properties.currency",
      "",
      "reason unknown: 1 message",
      "  events:  AddToCart 1",
      expect.stringMatching(
        /^ {2}sample: {2}event_id=crash-0 {2}event=AddToCart {2}failed_at=\d{4}-\d\d-\d\dT[\d:.]+Z \(sent\) {2}attempts=-$/,
      ),
      "           reason_detail: moved by SQS after maxReceiveCount receives, without a reason from the sender",
    ]);
    for (const secret of [EMAIL_HASH, PHONE_HASH, "pixel_code", "62.5", "{"]) expect(output).not.toContain(secret);
    // Nothing removed, and all of it visible again at once.
    expect((await takeAll(queues.client, queues.deadLetterQueueUrl)).length).toBe(9);
  });

  it("--max reads only that many and says how many there are", async () => {
    for (let i = 0; i < 12; i++) await deadLetter(`err-${i}`, "CompletePayment", "50000");

    const { lines } = await dlq("peek", "--dlq", queues.deadLetterQueueUrl, "--max", "5");

    expect(lines[0]).toBe("tiktok-relay-dlq: the first 5 of about 12 messages read, grouped by reason; nothing was removed");
    expect(lines[2]).toBe("reason 50000: 5 messages");
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(12);
  });

  it("--ids lists every message read, not one sample per reason", async () => {
    for (let i = 0; i < 3; i++) await deadLetter(`bad-${i}`, "Purchase", "40002");
    await deadLetter("slow-1", "Lead", "50000");

    const { code, lines } = await dlq("peek", "--dlq", queues.deadLetterQueueUrl, "--ids");

    expect(code).toBe(0);
    const listed = lines.slice(lines.lastIndexOf("") + 1);
    expect(listed.map((line) => line.split("  ").slice(0, 3).join("  ")).sort()).toEqual([
      "bad-0  Purchase  reason=40002",
      "bad-1  Purchase  reason=40002",
      "bad-2  Purchase  reason=40002",
      "slow-1  Lead  reason=50000",
    ]);
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(4);
  });

  it("says when the DLQ is empty", async () => {
    expect(await dlq("peek", "--dlq", queues.deadLetterQueueUrl)).toMatchObject({
      code: 0,
      output: "tiktok-relay-dlq is empty: nothing to look at",
    });
  });

  it("counts a message delivered twice once, and still ends", async () => {
    for (let i = 0; i < 4; i++) await deadLetter(`err-${i}`, "CompletePayment", "50000");
    const visited: string[] = [];
    // Visibility 0: every receive hands back the messages already seen (local-aws-sqs even repeats them
    // within one receive).
    const read = await scanQueue(
      queues.client,
      queues.deadLetterQueueUrl,
      async (batch) => {
        visited.push(...batch.map((message) => message.eventId!));
        return batch;
      },
      { waitSeconds: 0, visibilitySeconds: 0 },
    );
    expect(read).toBe(4);
    expect(visited.sort()).toEqual(["err-0", "err-1", "err-2", "err-3"]);
  });
});
