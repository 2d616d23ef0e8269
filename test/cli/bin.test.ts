import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterAttributes } from "../../lambdas/core/dead-letter";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { depth } from "../support/queues";

// The entry points as `npm run dlq` / `npm run redrive` start them, against the local SQS server, in an
// environment without any AWS configuration: what a first try against `npm start` looks like.

let queues: LocalQueues;
let home: string;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  home = await mkdtemp(join(tmpdir(), "relay-cli-home-"));
  for (const [id, reason] of [
    ["a", "50000"],
    ["b", "50000"],
    ["c", "40002"],
  ] as const) {
    await queues.client.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MessageBody: JSON.stringify({ pixel_code: "C4PIXEL0000000000001", event: { event: "Lead", event_id: id, event_time: 1767225600 } }),
        MessageAttributes: deadLetterAttributes({ reason, detail: "-", eventName: "Lead", eventId: id, attempts: 5 }),
      }),
    );
  }
});
afterAll(async () => queues.close());

function run(
  bin: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  // No AWS variable of the machine running the tests, and a HOME without ~/.aws.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
  Object.assign(env, { HOME: home, USERPROFILE: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, extraEnv);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", bin, ...args],
      { cwd: join(import.meta.dirname, "../.."), env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the command-line entry points", () => {
  it("dlq peek reaches the local pipeline through AWS_ENDPOINT_URL_SQS, with no credentials or region set", async () => {
    const { code, stdout, stderr } = await run("bin/dlq.ts", ["peek", "--dlq", queues.deadLetterQueueUrl], {
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("tiktok-relay-dlq: 3 messages read, grouped by reason; nothing was removed");
    expect(stdout).toContain("reason 50000: 2 messages");
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(3);
  });

  it("redrive takes the endpoint from a loopback --dlq URL, and exits 2 on a usage error", async () => {
    const moved = await run("bin/redrive.ts", ["--dlq", queues.deadLetterQueueUrl, "--reason", "50000"]);
    expect(moved.stderr).toBe("");
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain("moved 2 of 3 messages from tiktok-relay-dlq to tiktok-relay-events; 1 left in the DLQ");
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(2);

    const wrong = await run("bin/redrive.ts", ["--dlq", queues.deadLetterQueueUrl, "--older-than", "soon"]);
    expect(wrong).toEqual({
      code: 2,
      stdout: "",
      stderr: 'error: --older-than needs a duration like 30m, 2h or 3d, not "soon" (see --help)\n',
    });
  });
});
