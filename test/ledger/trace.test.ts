import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { guarded } from "../../cli/errors";
import { runTrace } from "../../cli/trace";
import { parseTraceArgs, TRACE_EXIT } from "../../cli/trace-args";
import { dynamoDbLedger } from "../../lambdas/aws/dynamodb-ledger";
import { deadLetterAttributes } from "../../lambdas/core/dead-letter";
import type { DeliveryLedger } from "../../lambdas/core/ledger";
import { type LocalLedger, startLocalLedger } from "../../local/dynamo-server";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { depth, takeAll } from "../support/queues";

// `npm run trace -- <event_id>` against the local pipeline's real peers: dynalite holding the ledger and the
// embedded SQS server holding the DLQ. CloudFormation has no local server, so the stack's outputs are mocked.

const PIXEL = "C4PIXEL0000000000001";
const OTHER_PIXEL = "C4PIXEL0000000000002";
const EMAIL_HASH = "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f";
const DAY = 86_400;
// local-aws-sqs holds long polls open until it has 10 messages (see test/cli/selective.test.ts).
const FAST_SCAN = { waitSeconds: 0 };

let ledgerServer: LocalLedger;
let queues: LocalQueues;
let ledger: DeliveryLedger;
let env: Record<string, string>;
const cloudFormation = mockClient(CloudFormationClient);
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  ledgerServer = await startLocalLedger({ port: 0 });
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  ledger = dynamoDbLedger(ledgerServer.client, ledgerServer.tableName, { retentionDays: 30 });
  env = { DYNAMODB_ENDPOINT: ledgerServer.endpoint, SQS_ENDPOINT: queues.endpoint };
});
afterAll(async () => {
  cloudFormation.restore();
  await queues?.close();
  await ledgerServer?.close();
});
beforeEach(async () => {
  cloudFormation.reset();
  await takeAll(queues.client, queues.deadLetterQueueUrl);
});

async function trace(argv: string[], extraEnv: Record<string, string> = {}) {
  const lines: string[] = [];
  const code = await guarded(
    () =>
      runTrace(parseTraceArgs(argv), {
        env: { ...env, ...extraEnv },
        print: (line) => lines.push(line),
        scan: FAST_SCAN,
        cloudFormation: () => new CloudFormationClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
      }),
    (line) => lines.push(line),
  );
  return { code, lines, output: lines.join("\n") };
}

async function deadLetter(eventId: string, event: string, reason?: string, pixel = PIXEL): Promise<void> {
  await queues.client.send(
    new SendMessageCommand({
      QueueUrl: queues.deadLetterQueueUrl,
      MessageBody: JSON.stringify({
        pixel_code: pixel,
        event: { event, event_id: eventId, event_time: 1767225600, user: { email: EMAIL_HASH } },
      }),
      MessageAttributes: reason
        ? deadLetterAttributes({
            reason,
            detail: "Invalid value for field: data[0].properties.currency",
            failedAt: "2026-01-01T10:00:00.000Z",
            eventName: event,
            eventId,
            attempts: 5,
          })
        : { event_name: { DataType: "String", StringValue: event } },
    }),
  );
}

describe("npm run trace", () => {
  it("delivered: every delivery of the event_id, oldest first, and exit 0", async () => {
    const at = now() - 3600;
    await ledger.record([
      {
        key: { destination: `web:${OTHER_PIXEL}`, event: "Purchase", eventId: "ord-1001" },
        deliveredAt: at + 60,
        attempts: 3,
        requestId: "2026010110000500002",
      },
      {
        key: { destination: `web:${PIXEL}`, event: "Purchase", eventId: "ord-1001" },
        deliveredAt: at,
        attempts: 1,
        requestId: "2026010110000500001",
      },
      { key: { destination: `web:${PIXEL}`, event: "Purchase", eventId: "ord-1002" }, deliveredAt: at, attempts: 1 },
    ]);

    const { code, lines } = await trace(["ord-1001", "--local"]);

    expect(lines).toEqual([
      "ord-1001: delivered to TikTok",
      `  delivered_at=${new Date(at * 1000).toISOString()}  destination=web:${PIXEL}  event=Purchase  request_id=2026010110000500001  attempts=1`,
      `  delivered_at=${new Date((at + 60) * 1000).toISOString()}  destination=web:${OTHER_PIXEL}  event=Purchase  request_id=2026010110000500002  attempts=3`,
    ]);
    expect(code).toBe(TRACE_EXIT.delivered);
  });

  it("--pixel and --event narrow the answer, and say what they left out", async () => {
    await ledger.record([
      { key: { destination: `web:${PIXEL}`, event: "Purchase", eventId: "ord-2001" }, deliveredAt: now(), attempts: 1 },
      { key: { destination: `web:${OTHER_PIXEL}`, event: "Purchase", eventId: "ord-2001" }, deliveredAt: now(), attempts: 1 },
    ]);

    const one = await trace(["ord-2001", "--local", "--pixel", OTHER_PIXEL, "--event", "Purchase"]);
    expect(one.code).toBe(TRACE_EXIT.delivered);
    expect(one.lines.slice(1)).toEqual([
      expect.stringContaining(`destination=web:${OTHER_PIXEL}`),
      "  (1 other delivery of this event_id, to another event name or pixel: drop --event/--pixel to see it)",
    ]);

    const none = await trace(["ord-2001", "--local", "--event", "CompletePayment"]);
    expect(none.code).toBe(TRACE_EXIT.unknown);
    expect(none.output).toContain("(2 other deliveries of this event_id");
  });

  it("in the DLQ: the sender's reason, detail, failed_at and attempts, exit 3, and the message left where it was", async () => {
    await deadLetter("ord-other", "Purchase", "50000");
    await deadLetter("ord-3001", "Purchase", "40002");

    const { code, lines, output } = await trace(["ord-3001", "--local"]);

    expect(lines).toEqual([
      "ord-3001: not delivered: in the dead-letter queue tiktok-relay-dlq",
      "  event=Purchase  reason=40002  failed_at=2026-01-01T10:00:00.000Z  attempts=5",
      "  reason_detail: Invalid value for field: data[0].properties.currency",
    ]);
    expect(code).toBe(TRACE_EXIT.deadLettered);
    for (const secret of [EMAIL_HASH, "pixel_code", "{"]) expect(output).not.toContain(secret);
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(2);
  });

  it("finds a message SQS dead-lettered by itself (no sender attributes) by the event_id in its body", async () => {
    await deadLetter("ord-3002", "Lead");
    const { code, lines } = await trace(["ord-3002", "--local", "--pixel", PIXEL]);
    expect(code).toBe(TRACE_EXIT.deadLettered);
    expect(lines[1]).toMatch(/^ {2}event=Lead {2}reason=unknown {2}failed_at=\S+ \(sent\) {2}attempts=-$/);
    expect(lines[2]).toBe("  reason_detail: moved by SQS after maxReceiveCount receives, without a reason from the sender");
    // For another pixel it is not this event's.
    expect((await trace(["ord-3002", "--local", "--pixel", OTHER_PIXEL])).code).toBe(TRACE_EXIT.unknown);
  });

  it("unknown: neither in the ledger nor in the DLQ, with the ledger's retention, exit 4", async () => {
    await deadLetter("ord-other", "Purchase", "50000");
    const { code, lines } = await trace(["ord-4001", "--local"], { LEDGER_DAYS: "45" });
    expect(lines).toEqual([
      "ord-4001: not known: never accepted by TikTok, or older than the ledger's retention (45 days)",
      "  nor is it in the dead-letter queue tiktok-relay-dlq (1 message read)",
    ]);
    expect(code).toBe(TRACE_EXIT.unknown);
  });

  it("an expired record is not known, although the local table (no TTL) still holds it", async () => {
    await ledger.record([
      { key: { destination: `web:${PIXEL}`, event: "Purchase", eventId: "ord-5001" }, deliveredAt: now() - 31 * DAY, attempts: 1 },
    ]);
    const { code, lines } = await trace(["ord-5001", "--local"]);
    expect(lines[0]).toBe("ord-5001: not known: never accepted by TikTok, or older than the ledger's retention (35 days)");
    expect(code).toBe(TRACE_EXIT.unknown);
  });

  it("--stack reads the table and the DLQ from the stack's outputs", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: "TikTokEventsRelay" }).resolves({
      Stacks: [
        {
          StackName: "TikTokEventsRelay",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: "LedgerTableName", OutputValue: ledgerServer.tableName },
            { OutputKey: "DeadLetterQueueUrl", OutputValue: queues.deadLetterQueueUrl },
            { OutputKey: "LedgerRetentionDays", OutputValue: "60" },
          ],
        },
      ],
    });
    cloudFormation.on(DescribeStacksCommand, { StackName: "Old" }).resolves({
      Stacks: [
        {
          StackName: "Old",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(),
          Outputs: [{ OutputKey: "DeadLetterQueueUrl", OutputValue: queues.deadLetterQueueUrl }],
        },
      ],
    });
    cloudFormation.on(DescribeStacksCommand, { StackName: "Missing" }).rejects(
      new CloudFormationServiceException({
        name: "ValidationError",
        $fault: "client",
        $metadata: {},
        message: "Stack with id Missing does not exist",
      }),
    );
    // The deployed table, reached here through the SDK's own endpoint setting.
    const aws = { AWS_ENDPOINT_URL_DYNAMODB: ledgerServer.endpoint };
    await ledger.record([
      {
        key: { destination: `web:${PIXEL}`, event: "Purchase", eventId: "ord-6001" },
        deliveredAt: now(),
        attempts: 2,
        requestId: "req-6001",
      },
    ]);
    await deadLetter("ord-6002", "Purchase", "40002");

    expect(await trace(["ord-6001", "--stack", "TikTokEventsRelay"], aws)).toMatchObject({
      code: TRACE_EXIT.delivered,
      lines: ["ord-6001: delivered to TikTok", expect.stringContaining("request_id=req-6001  attempts=2")],
    });
    expect((await trace(["ord-6002", "--stack", "TikTokEventsRelay"], aws)).code).toBe(TRACE_EXIT.deadLettered);
    expect((await trace(["ord-6003", "--stack", "TikTokEventsRelay"], aws)).lines[0]).toContain("retention (60 days)");
    expect(await trace(["ord-6001", "--stack", "Old"], aws)).toMatchObject({
      code: 1,
      lines: [
        'error: stack "Old" has no output LedgerTableName: was it deployed before the delivery ledger existed? (or pass --table <name>)',
      ],
    });
    expect((await trace(["ord-6001", "--stack", "Old", "--table", ledgerServer.tableName], aws)).code).toBe(TRACE_EXIT.delivered);
    expect((await trace(["ord-6001", "--stack", "Missing"], aws)).lines[0]).toMatch(/^error: stack "Missing" not found in eu-west-1/);
  });

  it("--table alone checks no DLQ, and says so", async () => {
    const { code, lines } = await trace(["ord-7001", "--table", ledgerServer.tableName], {
      AWS_ENDPOINT_URL_DYNAMODB: ledgerServer.endpoint,
    });
    expect(code).toBe(TRACE_EXIT.unknown);
    expect(lines[1]).toBe("  the dead-letter queue was not checked: give --dlq <queue URL>, or use --stack or --local");
  });

  it("fails in one line, exit 1, when the ledger cannot be read", async () => {
    const missing = await trace(["ord-1", "--local", "--table", "no-such-table"]);
    expect(missing).toMatchObject({
      code: 1,
      lines: [
        `error: ledger table "no-such-table" not found in DynamoDB at ${ledgerServer.endpoint}: check --table, the stack, or AWS_REGION/AWS_PROFILE`,
      ],
    });

    const stopped = await startLocalLedger({ port: 0 });
    await stopped.close();
    const down = await trace(["ord-1", "--local"], { DYNAMODB_ENDPOINT: stopped.endpoint });
    expect(down).toMatchObject({
      code: 1,
      lines: [
        `error: cannot reach DynamoDB at ${stopped.endpoint}: is npm start running with its ledger? (or set DYNAMODB_ENDPOINT / DYNAMODB_PORT)`,
      ],
    });
  });
});

describe("npm run trace: the command line", () => {
  it.each([
    [[], "say which event"],
    [["ord-1"], "say where the ledger is"],
    [["ord-1", "ord-2", "--local"], "one event_id at a time"],
    [["ord-1", "--local", "--stack", "S"], "either --stack or --local"],
    [["ord-1", "--local", "--pixel", "nope"], "--pixel needs a TikTok pixel code"],
    [["ord-1", "--local", "--dlq", "queue"], "--dlq needs a queue URL"],
    [["ord-1", "--local", "--event"], "--event needs a value"],
    [["ord-1", "--local", "--local"], "--local is given twice"],
    [["ord-1", "--local", "--since", "2d"], "unknown flag --since"],
  ])("%j is a usage error: %s", async (argv, message) => {
    const { code, lines } = await trace(argv);
    expect(code).toBe(TRACE_EXIT.usage);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^error: .*${message.replace(/[-[\]]/g, "\\$&")}.* \\(see --help\\)$`))]);
  });

  it("takes an event_id that looks like a flag after --, and documents the exit codes in --help", async () => {
    expect(parseTraceArgs(["--local", "--", "--odd-id"])).toEqual({ mode: "trace", eventId: "--odd-id", target: { local: true } });
    const help = await trace(["--help"]);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/exit code: 0 delivered; 3 in the dead-letter queue; 4 not known/);
  });

  it("runs as `npm run trace` does, from the environment alone, and exits with the answer", async () => {
    await ledger.record([{ key: { destination: `web:${PIXEL}`, event: "Lead", eventId: "ord-8001" }, deliveredAt: now(), attempts: 1 }]);
    const home = await mkdtemp(join(tmpdir(), "relay-trace-home-"));
    const processEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
    const run = (id: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "bin/trace.ts", id, "--local"],
          {
            cwd: join(import.meta.dirname, "../.."),
            env: { ...processEnv, ...env, HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
          },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const [delivered, unknown] = await Promise.all([run("ord-8001"), run("ord-8002")]);
    expect(delivered).toMatchObject({ code: 0, stderr: "" });
    expect(delivered.stdout).toContain("ord-8001: delivered to TikTok");
    expect(unknown).toMatchObject({ code: TRACE_EXIT.unknown, stderr: "" });
  });
});
