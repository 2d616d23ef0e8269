import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseDlqArgs, parseRedriveArgs } from "../../cli/args";
import { runDlq, runRedrive } from "../../cli/commands";
import { guarded } from "../../cli/errors";
import { deadLetterAttributes } from "../../lambdas/core/dead-letter";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { depth, takeAll } from "../support/queues";

// Finding the queues: the stack's outputs (CloudFormation, which has no local server, is mocked), SQS's
// list of the DLQ's source queues, or the flags; and the one-line errors when any of it is wrong.

let queues: LocalQueues;
const cloudFormation = mockClient(CloudFormationClient);
const FAST_SCAN = { waitSeconds: 0 }; // see selective.test.ts

beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(async () => {
  cloudFormation.restore();
  await queues.close();
});
beforeEach(async () => {
  cloudFormation.reset();
  cloudFormation.on(DescribeStacksCommand, { StackName: "TikTokEventsRelay" }).resolves({
    Stacks: [
      {
        StackName: "TikTokEventsRelay",
        StackStatus: "CREATE_COMPLETE",
        CreationTime: new Date(),
        Outputs: [
          { OutputKey: "ApiUrl", OutputValue: "https://example.execute-api.eu-west-1.amazonaws.com/prod/" },
          { OutputKey: "EventsQueueUrl", OutputValue: queues.eventsQueueUrl },
          { OutputKey: "DeadLetterQueueUrl", OutputValue: queues.deadLetterQueueUrl },
        ],
      },
    ],
  });
  cloudFormation.on(DescribeStacksCommand, { StackName: "SomethingElse" }).resolves({
    Stacks: [{ StackName: "SomethingElse", StackStatus: "CREATE_COMPLETE", CreationTime: new Date(), Outputs: [] }],
  });
  cloudFormation.on(DescribeStacksCommand, { StackName: "Missing" }).rejects(
    new CloudFormationServiceException({
      name: "ValidationError",
      $fault: "client",
      $metadata: {},
      message: "Stack with id Missing does not exist",
    }),
  );
  await takeAll(queues.client, queues.eventsQueueUrl);
  await takeAll(queues.client, queues.deadLetterQueueUrl);
});

async function deadLetter(id: string, reason: string): Promise<void> {
  await queues.client.send(
    new SendMessageCommand({
      QueueUrl: queues.deadLetterQueueUrl,
      MessageBody: JSON.stringify({ pixel_code: "C4PIXEL0000000000001", event: { event: "Lead", event_id: id, event_time: 1767225600 } }),
      MessageAttributes: deadLetterAttributes({ reason, detail: "-", eventName: "Lead", eventId: id }),
    }),
  );
}

async function run(command: "redrive" | "dlq", argv: string[], sqs: SQSClient = queues.client) {
  const lines: string[] = [];
  const deps = {
    sqs,
    cloudFormation: () => new CloudFormationClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
    print: (line: string) => lines.push(line),
    pollMs: 100,
    scan: FAST_SCAN,
  };
  const code = await guarded(
    () => (command === "redrive" ? runRedrive(parseRedriveArgs(argv), deps) : runDlq(parseDlqArgs(argv), deps)),
    (line) => lines.push(line),
  );
  return { code, lines, output: lines.join("\n") };
}

describe("queue discovery", () => {
  it("--stack reads both queues from the stack's outputs", async () => {
    await deadLetter("a", "50000");
    await deadLetter("b", "40002");

    const selective = await run("redrive", ["--stack", "TikTokEventsRelay", "--reason", "50000"]);
    expect(selective.lines[0]).toBe("moved 1 of 2 messages from tiktok-relay-dlq to tiktok-relay-events; 1 left in the DLQ");
    const whole = await run("redrive", ["--stack", "TikTokEventsRelay"]);
    expect(whole.code).toBe(0);
    expect(whole.lines.at(-1)).toBe("done: 1 messages moved back to tiktok-relay-events");

    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(2);
    expect(await depth(queues.client, queues.deadLetterQueueUrl)).toBe(0);
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input.StackName)).toEqual([
      "TikTokEventsRelay",
      "TikTokEventsRelay",
      "TikTokEventsRelay",
      "TikTokEventsRelay",
    ]);
  });

  it("without --queue or --stack, the DLQ's only source queue is the destination", async () => {
    await deadLetter("a", "50000");
    const { code, lines } = await run("redrive", ["--dlq", queues.deadLetterQueueUrl, "--reason", "50000"]);
    expect(code).toBe(0);
    expect(lines[0]).toBe("moved 1 of 1 messages from tiktok-relay-dlq to tiktok-relay-events; 0 left in the DLQ");
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(1);
  });

  it("--queue overrides the source queue", async () => {
    const { QueueUrl: other } = await queues.client.send(new CreateQueueCommand({ QueueName: "replay-target" }));
    await deadLetter("a", "50000");
    const { lines } = await run("redrive", ["--dlq", queues.deadLetterQueueUrl, "--queue", other!, "--reason", "50000"]);
    expect(lines[0]).toBe("moved 1 of 1 messages from tiktok-relay-dlq to replay-target; 0 left in the DLQ");
    expect((await takeAll(queues.client, other!)).length).toBe(1);
    expect(await depth(queues.client, queues.eventsQueueUrl)).toBe(0);
  });

  it("errors in one line with the fix: missing stack, stack without outputs, unknown queue, no or several source queues", async () => {
    const { Attributes } = await queues.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.deadLetterQueueUrl, AttributeNames: ["QueueArn"] }),
    );
    const { QueueUrl: orphan } = await queues.client.send(new CreateQueueCommand({ QueueName: "orphan-dlq" }));
    const unknownUrl = queues.deadLetterQueueUrl.replace("tiktok-relay-dlq", "no-such-queue");

    const cases: [string[], string][] = [
      [
        ["--stack", "Missing"],
        'error: stack "Missing" not found in eu-west-1: check --stack (the name given to cdk deploy, TikTokEventsRelay by default) and AWS_REGION/AWS_PROFILE',
      ],
      [
        ["--stack", "SomethingElse"],
        'error: stack "SomethingElse" has no output DeadLetterQueueUrl: is it a tiktok-events-relay stack? (or pass --dlq and --queue)',
      ],
      [
        ["--dlq", unknownUrl],
        `error: dead-letter queue not found: ${unknownUrl} (check the URL, the region, and for the local pipeline the URL and AWS_ENDPOINT_URL_SQS that npm start prints)`,
      ],
      [
        ["--dlq", queues.deadLetterQueueUrl, "--queue", unknownUrl],
        `error: source queue not found: ${unknownUrl} (check the URL, the region, and for the local pipeline the URL and AWS_ENDPOINT_URL_SQS that npm start prints)`,
      ],
      [["--dlq", orphan!], "error: no queue uses orphan-dlq as its dead-letter queue: say where the messages go with --queue <URL>"],
    ];
    for (const [argv, message] of cases) {
      const result = await run("redrive", argv);
      expect(result, argv.join(" ")).toEqual({ code: 1, lines: [message], output: message });
    }
    expect((await run("dlq", ["peek", "--dlq", unknownUrl])).output).toMatch(/^error: dead-letter queue not found: /);

    const { QueueUrl: second } = await queues.client.send(
      new CreateQueueCommand({
        QueueName: "second-source",
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 3 }) },
      }),
    );
    const several = await run("redrive", ["--dlq", queues.deadLetterQueueUrl]);
    // Detach rather than delete: local-aws-sqs keeps listing a deleted queue as a source for 60 s.
    await queues.client.send(new SetQueueAttributesCommand({ QueueUrl: second, Attributes: { RedrivePolicy: "" } }));
    expect(several.code).toBe(1);
    expect(several.output).toMatch(
      /^error: 2 queues use tiktok-relay-dlq as their dead-letter queue \(\S+tiktok-relay-events, \S+second-source\): choose one with --queue <URL>$/,
    );
  });

  it("an empty DLQ is nothing to redrive, in both modes, with exit code 0", async () => {
    const flags = ["--dlq", queues.deadLetterQueueUrl];
    expect(await run("redrive", flags)).toMatchObject({ code: 0, output: "nothing to redrive: tiktok-relay-dlq is empty" });
    expect(await run("redrive", [...flags, "--reason", "50000"])).toMatchObject({
      code: 0,
      output: "nothing to redrive: tiktok-relay-dlq is empty",
    });
  });

  it("no credentials: says how to configure them, and how to reach the local pipeline instead", async () => {
    const noCredentials = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    const sqs = new SQSClient({
      region: "us-east-1",
      endpoint: queues.endpoint,
      credentials: () => Promise.reject(noCredentials),
      maxAttempts: 1,
    });
    const { code, output } = await run("redrive", ["--dlq", queues.deadLetterQueueUrl], sqs);
    sqs.destroy();
    expect(code).toBe(1);
    expect(output).toBe(
      "error: no AWS credentials found: run `aws configure` or set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); " +
        "for the local pipeline set AWS_ENDPOINT_URL_SQS=<the SQS endpoint npm start prints> instead",
    );
  });
});
