import { describe, expect, it } from "vitest";
import { DEFAULT_PEEK_MAX, parseDlqArgs, parseDuration, parseRedriveArgs } from "../../cli/args";
import { sqsClientConfig } from "../../cli/clients";
import { describeError, guarded, UsageError } from "../../cli/errors";

// The command lines, without AWS: what each one means, and the one-line error for each mistake.

const DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/TikTokEventsRelay-DeadLetterQueue";
const EVENTS = "https://sqs.eu-west-1.amazonaws.com/123456789012/TikTokEventsRelay-EventsQueue";

const usageError = (argv: string[]) => {
  try {
    parseRedriveArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
};

describe("redrive arguments", () => {
  it("reads the modes", () => {
    expect(parseRedriveArgs(["--stack", "TikTokEventsRelay"])).toEqual({ mode: "move", target: { stack: "TikTokEventsRelay" } });
    expect(parseRedriveArgs(["--dlq", DLQ, "--queue", EVENTS, "--rate", "50"])).toEqual({
      mode: "move",
      target: { dlq: DLQ, queue: EVENTS },
      rate: 50,
    });
    expect(parseRedriveArgs([`--dlq=${DLQ}`, "--cancel"])).toEqual({ mode: "cancel", target: { dlq: DLQ } });
    expect(parseRedriveArgs(["--stack", "S", "--follow"])).toEqual({ mode: "follow", target: { stack: "S" } });
    expect(
      parseRedriveArgs([
        "--stack",
        "S",
        "--reason",
        "40002,too_old",
        "--reason",
        "unknown",
        "--event",
        "CompletePayment",
        "--older-than",
        "2h",
      ]),
    ).toEqual({
      mode: "select",
      target: { stack: "S" },
      filter: { reasons: ["40002", "too_old", "unknown"], events: ["CompletePayment"], olderThanMs: 2 * 3_600_000 },
      dryRun: false,
    });
    // A dry run alone previews a full redrive, message by message.
    expect(parseRedriveArgs(["--stack", "S", "--dry-run"])).toEqual({
      mode: "select",
      target: { stack: "S" },
      filter: { reasons: [], events: [] },
      dryRun: true,
    });
    expect(parseRedriveArgs(["--help"])).toEqual({ mode: "help" });
  });

  it("reads durations in seconds, minutes, hours and days", () => {
    expect([parseDuration("45s"), parseDuration("30m"), parseDuration("2h"), parseDuration("3d")]).toEqual([
      45_000, 1_800_000, 7_200_000, 259_200_000,
    ]);
  });

  it.each([
    [["--stack", "S", "--bogus"], "unknown flag --bogus"],
    [["--stack"], "--stack needs a value, e.g. --stack TikTokEventsRelay"],
    [["--stack", "S", "--reason"], "--reason needs a value, e.g. --reason 40002"],
    [["--stack", "S", "--reason", "--dry-run"], "--reason needs a value, e.g. --reason 40002"],
    [["--stack", "S", "--reason", "40002,,50000"], '--reason has an empty entry in "40002,,50000"'],
    [["--stack", "S", "--older-than", "2 weeks"], '--older-than needs a duration like 30m, 2h or 3d, not "2 weeks"'],
    [["--stack", "S", "--older-than", "90"], '--older-than needs a duration like 30m, 2h or 3d, not "90"'],
    [["--stack", "S", "--rate", "0"], '--rate needs a whole number from 1 to 500, not "0"'],
    [["--stack", "S", "--rate", "fast"], '--rate needs a whole number from 1 to 500, not "fast"'],
    [["--stack", "S", "--cancel", "--reason", "40002"], "--cancel acts on the running move task and cannot be combined with --reason"],
    [["--stack", "S", "--cancel", "--dry-run"], "--cancel acts on the running move task and cannot be combined with --dry-run"],
    [["--stack", "S", "--cancel", "--follow"], "--cancel acts on the running move task and cannot be combined with --follow"],
    [
      ["--stack", "S", "--reason", "40002", "--rate", "5"],
      "--rate applies to a whole-DLQ move task, not to --reason/--event/--older-than/--dry-run",
    ],
    [["--cancel=yes", "--stack", "S"], "--cancel takes no value"],
    [["--stack", "S", "--stack", "T"], "--stack is given twice"],
    [[], "say which dead-letter queue: --stack TikTokEventsRelay (a deployed stack) or --dlq <queue URL>"],
    [["--reason", "40002"], "say which dead-letter queue: --stack TikTokEventsRelay (a deployed stack) or --dlq <queue URL>"],
    [["--stack", "S", "--dlq", DLQ], "give either --stack or --dlq, not both"],
    [
      ["--dlq", "tiktok-relay-dlq"],
      '--dlq needs a queue URL like https://sqs.<region>.amazonaws.com/<account>/<name>, not "tiktok-relay-dlq"',
    ],
    [["TikTokEventsRelay"], 'unexpected argument "TikTokEventsRelay"'],
  ])("%j → %s", (argv, message) => {
    expect(usageError(argv)).toBe(message);
  });

  it("prints a usage error as one line with a pointer to --help, exit code 2", async () => {
    const errors: string[] = [];
    const code = await guarded(
      async () => {
        parseRedriveArgs(["--stack", "S", "--bogus"]);
        return 0;
      },
      (line) => errors.push(line),
    );
    expect(code).toBe(2);
    expect(errors).toEqual(["error: unknown flag --bogus (see --help)"]);
  });
});

describe("dlq arguments", () => {
  it("reads peek and the redrive alias", () => {
    expect(parseDlqArgs(["peek", "--stack", "S"])).toEqual({ command: "peek", target: { stack: "S" }, max: DEFAULT_PEEK_MAX });
    expect(parseDlqArgs(["peek", "--dlq", DLQ, "--max", "50"])).toEqual({ command: "peek", target: { dlq: DLQ }, max: 50 });
    expect(parseDlqArgs(["redrive", "--stack", "S", "--reason", "50000"])).toEqual({
      command: "redrive",
      redrive: { mode: "select", target: { stack: "S" }, filter: { reasons: ["50000"], events: [] }, dryRun: false },
    });
    expect(parseDlqArgs([])).toEqual({ command: "help" });
  });

  it("refuses what peek does not take", () => {
    expect(() => parseDlqArgs(["purge", "--stack", "S"])).toThrow('unknown command "purge": use peek or redrive');
    expect(() => parseDlqArgs(["peek", "--stack", "S", "--reason", "40002"])).toThrow("unknown flag --reason");
    expect(() => parseDlqArgs(["peek", "--stack", "S", "--max", "0"])).toThrow('--max needs a whole number from 1 to 100000, not "0"');
    expect(() => parseDlqArgs(["peek"])).toThrow("say which dead-letter queue");
  });
});

describe("SQS client configuration", () => {
  const local = "http://127.0.0.1:9324";
  const localDlq = `${local}/123456789012/tiktok-relay-dlq`;

  it("lets the SDK resolve everything for AWS", () => {
    expect(sqsClientConfig({}, DLQ)).toEqual({});
    expect(sqsClientConfig({ AWS_ENDPOINT_URL_SQS: "https://sqs.eu-west-1.amazonaws.com" }, DLQ)).toEqual({});
  });

  it("needs no AWS setup for the local pipeline, but keeps what the user configured", () => {
    const dummy = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
    expect(sqsClientConfig({ AWS_ENDPOINT_URL_SQS: local }, localDlq)).toEqual(dummy);
    expect(sqsClientConfig({ AWS_ENDPOINT_URL_SQS: "http://localhost:9324" }, undefined)).toEqual(dummy);
    // Without the variable, the loopback queue URL is the endpoint (move tasks are addressed by ARN).
    expect(sqsClientConfig({}, localDlq)).toEqual({ endpoint: local, ...dummy });
    expect(sqsClientConfig({ AWS_ENDPOINT_URL_SQS: local, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIA" }, localDlq)).toEqual({});
    expect(sqsClientConfig({ AWS_ENDPOINT_URL_SQS: local, AWS_PROFILE: "local" }, localDlq)).toEqual({});
  });
});

describe("error lines", () => {
  it("explains credential, region and connection problems", () => {
    expect(
      describeError(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" })),
    ).toMatch(
      /^no AWS credentials found: run `aws configure` or set AWS_PROFILE .*AWS_ENDPOINT_URL_SQS=<the SQS endpoint npm start prints> instead$/,
    );
    expect(describeError(new Error("Region is missing"))).toBe(
      "no AWS region configured: set AWS_REGION (e.g. AWS_REGION=eu-west-1) or a region in your AWS profile",
    );
    expect(describeError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9324"), { code: "ECONNREFUSED" }))).toMatch(
      /is npm start running/,
    );
    expect(describeError(Object.assign(new Error("Access denied"), { name: "AccessDenied" }))).toBe("AccessDenied: Access denied");
  });
});
