import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendInBatches } from "../../lambdas/aws/sqs-batches";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { toRecord } from "../../local/event-source";
import type { LocalQueues } from "../../local/sqs-server";
import { type ChaosAnswer, type ChaosTikTok, startChaosTikTok } from "../support/chaos-tiktok";
import { deleteMessages, drain } from "../support/drain-queue";
import { depth } from "../support/queues";
import { failures, NOW, PIXEL, type QueuedEvent, queuedEvent, senderFor, useSenderFixture } from "../support/sender-harness";
import { within } from "../support/within";

// The real sender (real HTTP, real SQS protocol) against a TikTok that answers each request with a random
// response: unreadable bodies, HTTP errors, odd codes, bodies trickled past the deadline, connections reset
// halfway, no answer at all. Whatever TikTok does, a message is acknowledged only when TikTok really took
// its event, or when it is safely in the DLQ; the handler never throws and never hangs.

const SEED = 20261125;
const TIMEOUT_MS = 200;
const CASE_TIMEOUT_MS = 10_000;

const fixture = useSenderFixture();
let chaos: ChaosTikTok;
beforeAll(async () => {
  chaos = await startChaosTikTok();
});
afterAll(() => chaos.close());

/** TikTok's reference codes, as lambdas/core/tiktok-response.ts reads them, and a few it does not know. */
const CODES = [
  0, 20001, 40000, 40001, 40002, 40061, 40062, 40100, 40102, 40104, 40105, 40132, 50000, 50002, 51001, 60001, 61000, 1, -1, 40003, 99999,
];
/** Characters an SQS message body or attribute may hold; SQS refuses a message with any other. */
const SQS_INVALID = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Codes for which TikTok refused some rows: the sender isolates them, and an event refused alone is dead-lettered. */
const BAD_ROW_CODES = new Set(["40000", "40002", "40061", "40062", "20001"]);
const STATUSES = [200, 201, 400, 401, 404, 429, 500, 502, 503, 504];
/** Mostly 2xx, as TikTok answers (it reports most errors in the body). */
const status = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(200, 201) }, { weight: 2, arbitrary: fc.constantFrom(...STATUSES) });

const message = fc.oneof(
  fc.constantFrom("OK", "Partial OK", "Invalid parameter", "Too many requests"),
  fc.string({ unit: "binary", maxLength: 40 }),
);
const tiktokJson = fc
  .record(
    {
      code: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(0, 20001) },
        { weight: 4, arbitrary: fc.constantFrom(...CODES) },
        { weight: 1, arbitrary: fc.integer() },
      ),
      message,
      request_id: fc.string({ maxLength: 20 }),
      // A partial answer may name its refused rows (the first one here), or not.
      data: fc.constantFrom({}, { failed_events: [] }, null, { failed_events: [{ index: 0, message: "row 0 refused" }] }),
    },
    { requiredKeys: ["code"] },
  )
  .map((body) => JSON.stringify(body));
const OK_BODY = '{"code":0,"message":"OK","request_id":"req-ok","data":{}}';
const HTML = [
  "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
  '<!DOCTYPE html><html><body>{"code":0}</body></html>',
  "<html>Service Unavailable</html>",
];

const body = fc.oneof(
  { weight: 8, arbitrary: tiktokJson },
  { weight: 1, arbitrary: fc.constantFrom(...CODES).map((code) => `{"code":"${code}","message":"code as a string"}`) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HTML) },
  { weight: 1, arbitrary: fc.constant("") },
  // cut anywhere: a truncated success is not a success
  { weight: 1, arbitrary: fc.tuple(tiktokJson, fc.nat()).map(([json, at]) => json.slice(0, at % json.length)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"code":0}<html>',
      '{"code":0}{"code":0}',
      '{"code":0.0,"message":"OK"}',
      '{"code":-0}',
      '{"code":1e-400}',
      '{"code":2.0001e4}',
      '{"code":0,"code":40002}',
      '{"code":40002,"code":0}',
      `\ufeff${OK_BODY}`,
      ` \n${OK_BODY}\n `,
      '{"code":null}',
      '{"code":[0]}',
      `[${OK_BODY}]`,
      "0",
      "null",
    ),
  },
  // very large: 1 to 3 MB of JSON (a success or not) or of text
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(0, 20001, 50000, 40002), fc.integer({ min: 1, max: 3 }), fc.boolean())
      .map(([code, mb, json]) =>
        json
          ? JSON.stringify({ code, message: "big", data: { pad: "x".repeat(mb * 1024 * 1024) } })
          : `<html>${"x".repeat(mb * 1024 * 1024)}`,
      ),
  },
);

/** Padded with whitespace (still the same JSON) so that every piece of a trickle has a byte to carry. */
const padded = (text: string, length: number) => (text.length >= length ? text : text + " ".repeat(length - text.length));
const tempting = fc.oneof(fc.constant(OK_BODY), body);

const answer: fc.Arbitrary<ChaosAnswer> = fc.oneof(
  { weight: 24, arbitrary: fc.record({ kind: fc.constant("reply" as const), status, body }) },
  // headers at once, then the body over 1 s: well past the client's 200 ms deadline
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("slow" as const),
      status,
      body: tempting.map((text) => padded(text, 20)),
      pieces: fc.constant(20),
      everyMs: fc.constant(50),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("reset" as const),
      status,
      body: tempting.map((text) => padded(text, 2)),
      cutAt: fc.nat(),
      chunked: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "hang" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "drop" as const }) },
);

type Kind = "fresh" | "other_pixel" | "test_code" | "future" | "old" | "ancient" | "malformed" | "copy";
const kind = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Kind>("fresh") },
  { weight: 1, arbitrary: fc.constantFrom<Kind>("other_pixel", "test_code", "future", "old", "ancient", "malformed", "copy") },
);

const scenario = fc.record({
  kinds: fc.array(kind, { minLength: 1, maxLength: 20 }),
  answers: fc.array(answer, { minLength: 1, maxLength: 30 }),
  maxReceiveCount: fc.constantFrom(1, 5),
  /** Events TikTok refuses as bad rows whenever a request holds them (indexes into the batch). */
  badRows: fc.record({ ids: fc.uniqueArray(fc.nat({ max: 19 }), { maxLength: 3 }), code: fc.constantFrom(40000, 40002, 40061, 40062) }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const MALFORMED = [
  (tag: string) => `not json ${tag}`,
  (tag: string) => JSON.stringify({ pixel_code: 1, tag }),
  (tag: string) => JSON.stringify({ pixel_code: PIXEL, event: { event: "AddToCart", event_id: tag, event_time: 1.5 } }),
  (tag: string) => JSON.stringify({ pixel_code: PIXEL, event: { event: "AddToCart", event_id: tag } }),
  (tag: string) => JSON.stringify([tag]),
];

interface Message {
  kind: Kind;
  body: string;
  eventId?: string;
}

function messagesFor(caseId: number, kinds: Kind[]): Message[] {
  const messages: Message[] = [];
  for (const [i, kind] of kinds.entries()) {
    const id = `c${caseId}-e${i}`;
    const queued = (event: QueuedEvent): Message => ({ kind, body: JSON.stringify(event), eventId: event.event.event_id });
    switch (kind) {
      case "fresh":
        messages.push(queued(queuedEvent(id)));
        break;
      case "other_pixel":
        messages.push(queued(queuedEvent(id, "OTHERPIXEL0001")));
        break;
      case "test_code":
        messages.push(queued({ ...queuedEvent(id), test_event_code: "TEST123" }));
        break;
      case "future":
        messages.push(queued(queuedEvent(id, PIXEL, { event_time: 1e300 })));
        break;
      case "old":
        messages.push(queued(queuedEvent(id, PIXEL, { event_time: NOW - 8 * 86_400 })));
        break;
      case "ancient":
        messages.push(queued(queuedEvent(id, PIXEL, { event_time: -1e300 })));
        break;
      case "malformed":
        messages.push({ kind, body: MALFORMED[i % MALFORMED.length]!(id) });
        break;
      case "copy": {
        const original = messages.find((message) => message.eventId !== undefined && message.kind !== "old" && message.kind !== "ancient");
        messages.push(original ? { ...original } : queued(queuedEvent(id)));
        break;
      }
    }
  }
  return messages;
}

/** What TikTok's answer said, read as a careful client would (UTF-8, BOM ignored): undefined if no code. */
function answeredCode(answer: ChaosAnswer): number | undefined {
  if (answer.kind !== "reply") return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(Buffer.from(answer.body, "utf8"))) as unknown;
    const code = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as { code?: unknown }).code : undefined;
    return typeof code === "number" ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A complete, well-formed JSON body with HTTP 2xx and code 0: TikTok took the request's events. (20001 took
 * only some, unnamed here: the sender must isolate the others, never acknowledge the request as a whole.)
 */
const tookEvents = (answer: ChaosAnswer) =>
  answer.kind === "reply" && answer.status >= 200 && answer.status < 300 && answeredCode(answer) === 0;

/** Like the harness's receiveBatch, asking for exactly what is left each time (see support/drain-queue.ts). */
async function queueAndReceive(queues: LocalQueues, bodies: string[]): Promise<SQSEvent> {
  const failed = await sendInBatches(
    queues.client,
    queues.eventsQueueUrl,
    bodies.map((body, i) => ({ id: String(i), body, attributes: {} })),
  );
  if (failed.length > 0) throw new Error(`could not queue ${failed.length} test messages`);
  const records: SQSEvent["Records"] = [];
  const deadline = Date.now() + 5000;
  while (records.length < bodies.length) {
    if (Date.now() > deadline) throw new Error(`only ${records.length} of ${bodies.length} messages could be received`);
    const { Messages = [] } = await queues.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.eventsQueueUrl,
        MaxNumberOfMessages: Math.min(10, bodies.length - records.length),
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
        MessageSystemAttributeNames: ["All"],
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    records.push(...Messages.map((message) => toRecord(message, queues.eventsQueueArn)));
  }
  return { Records: records };
}

const count = <T>(items: T[]) => items.reduce((map, item) => map.set(item, (map.get(item) ?? 0) + 1), new Map<T, number>());

/** One case: queue the messages, run the sender against the scripted TikTok, check what became of each. */
async function runCase(
  caseId: number,
  { kinds, answers, maxReceiveCount, badRows }: Scenario,
  seen: Record<"delivered" | "deadLettered" | "retried", number>,
) {
  const messages = messagesFor(caseId, kinds);
  const bad = new Set(badRows.ids.map((i) => `c${caseId}-e${i}`));
  // Like TikTok: a request holding a bad row is refused whole (bisection isolates it); otherwise the script.
  chaos.reset((request, index) =>
    request.data.some((event) => bad.has(event.event_id))
      ? { kind: "reply", status: 200, body: JSON.stringify({ code: badRows.code, message: "data.0.event_id: invalid" }) }
      : answers[index % answers.length]!,
  );
  const { queues } = fixture;
  const batch = await queueAndReceive(
    queues,
    messages.map((message) => message.body),
  );
  let failed = new Set(batch.Records.map((record) => record.messageId));
  try {
    const handler = senderFor(queues, fixture.tiktok, { apiUrl: chaos.url, timeoutMs: TIMEOUT_MS, maxReceiveCount, retryBaseSeconds: 900 });
    const response = await within(handler(batch), CASE_TIMEOUT_MS, "sender handler");
    const requests = chaos.requests;
    failed = new Set(failures(response));
    const deadMessages = await drain(queues.client, queues.deadLetterQueueUrl);
    const dead = deadMessages.map((m) => ({ ...readDeadLetter(m.MessageAttributes), body: m.Body! }));
    // Real SQS refuses characters outside its set (the embedded server does not check): TikTok's message is
    // copied into an attribute, so it must have been made safe.
    for (const m of deadMessages) {
      for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) expect(value.StringValue, name).not.toMatch(SQS_INVALID);
    }

    const recordIds = new Set(batch.Records.map((record) => record.messageId));
    for (const id of failed) expect(recordIds.has(id)).toBe(true);
    const taken = new Set([
      ...requests.filter((request) => request.complete && tookEvents(request.answer)).flatMap((request) => request.eventIds),
      // A 2xx partial answer that names row 0 as refused took the other rows.
      ...requests
        .filter(
          (request) =>
            request.complete &&
            request.answer.kind === "reply" &&
            request.answer.status >= 200 &&
            request.answer.status < 300 &&
            answeredCode(request.answer) === 20001 &&
            request.answer.body.includes("row 0 refused"),
        )
        .flatMap((request) => request.eventIds.slice(1)),
    ]);
    const kindOf = new Map(messages.map((message) => [message.body, message.kind]));
    const history = () =>
      JSON.stringify(
        requests.map((r) => [
          r.eventIds,
          r.answer.kind,
          "status" in r.answer ? r.answer.status : 0,
          "body" in r.answer ? r.answer.body.slice(0, 80) : "",
          r.complete,
        ]),
      );

    // Acknowledged ⇒ TikTok took it, or it is in the DLQ: never both missing.
    const dlqBodies = count(dead.map((entry) => entry.body));
    const acknowledgedBodies = count(batch.Records.filter((record) => !failed.has(record.messageId)).map((record) => record.body));
    for (const record of batch.Records) {
      if (failed.has(record.messageId)) {
        seen.retried++;
        continue;
      }
      const eventId = messages.find((message) => message.body === record.body)?.eventId;
      const delivered = eventId !== undefined && taken.has(eventId);
      const inDlq = (dlqBodies.get(record.body) ?? 0) > 0;
      expect(delivered || inDlq, `acknowledged ${record.body}: not taken by TikTok (${history()}) and not in the DLQ`).toBe(true);
      if (delivered) seen.delivered++;
    }
    // The DLQ holds only acknowledged messages (a retried one is not also dead-lettered)...
    for (const [deadBody, copies] of dlqBodies) expect(copies).toBeLessThanOrEqual(acknowledgedBodies.get(deadBody) ?? 0);
    // ...each with a reason that fits what happened.
    for (const entry of dead) {
      seen.deadLettered++;
      const kind = kindOf.get(entry.body);
      if (BAD_ROW_CODES.has(entry.reason)) {
        // isolated down to the one event, which TikTok refused with that code; or named as refused by a
        // partial answer (20001) to a request that held it
        const alone = requests.filter((request) => request.eventIds.length === 1 && request.eventIds[0] === entry.eventId);
        const named = requests.filter(
          (request) =>
            request.complete &&
            answeredCode(request.answer) === 20001 &&
            request.eventIds[0] === entry.eventId &&
            "body" in request.answer &&
            request.answer.body.includes("row 0 refused"),
        );
        // or, on the last receive, not retried after the batch's sending stopped on an answer with that code
        // and no 2xx (a server error): what was still unsent carries that answer's reason
        const exhausted =
          maxReceiveCount === 1 &&
          requests.some(
            (request) =>
              request.complete &&
              String(answeredCode(request.answer)) === entry.reason &&
              "status" in request.answer &&
              (request.answer.status < 200 || request.answer.status >= 300),
          );
        expect(
          exhausted ||
            named.length > 0 ||
            alone.some((request) => request.complete && String(answeredCode(request.answer)) === entry.reason),
          `${entry.eventId} ${entry.reason}: ${history()}`,
        ).toBe(true);
      } else if (entry.reason === "too_old") {
        expect(["old", "ancient"]).toContain(kind);
      } else if (entry.reason === "malformed") {
        expect(kind).toBe("malformed");
      } else {
        expect(maxReceiveCount, `dead-lettered with ${entry.reason} before the last receive`).toBe(1);
      }
    }
    if (maxReceiveCount === 1) expect([...failed]).toEqual([]);
    // Never sent: too old or not a relay message.
    const sentIds = new Set(requests.flatMap((request) => request.eventIds));
    for (const message of messages) {
      if (message.kind === "old" || message.kind === "ancient") expect(sentIds.has(message.eventId!)).toBe(false);
    }
    // Bisection is bounded: at most 2n - 1 requests, each possibly repeated once with a re-read token.
    expect(requests.length).toBeLessThanOrEqual(2 * (2 * messages.length - 1));
  } finally {
    // What the sender left for a retry (everything, if it threw) is not for the next case.
    await deleteMessages(
      queues.client,
      queues.eventsQueueUrl,
      batch.Records.filter((record) => failed.has(record.messageId)).map((record) => record.receiptHandle),
    );
    await drain(queues.client, queues.deadLetterQueueUrl);
  }
  expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(0);
}

describe("sender against a TikTok answering at random", () => {
  it("acknowledges a message only once TikTok took its event or it is in the DLQ; never throws, never hangs", async () => {
    let caseId = 0;
    const seen = { delivered: 0, deadLettered: 0, retried: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, (value) => runCase(++caseId, value, seen)),
      { seed: SEED, numRuns: 300 },
    );
    // The generators reach every outcome, not only failures.
    expect(seen.delivered).toBeGreaterThan(100);
    expect(seen.deadLettered).toBeGreaterThan(50);
    expect(seen.retried).toBeGreaterThan(50);
  });
});
