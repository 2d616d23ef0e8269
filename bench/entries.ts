import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyResult, Context, SQSBatchResponse } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { RELAY_CONFIG_DEFAULTS } from "../lib/config";
import { serve } from "./child";
import { ingestRequest, queuedEntries, requestBody, sqsEventOf } from "./fixtures";
import { cpuMs, median } from "./measure";

// Child process: the Lambda entry files themselves (middy, Powertools logger and metrics, the SDK's SQS
// client), warm, with what they write to stdout (CloudWatch Logs, in AWS) captured. The cost model takes
// its durations and log bytes from here. SQS is the embedded server in the peers process
// (AWS_ENDPOINT_URL_SQS, set by the parent); Secrets Manager has no local server, so it alone is mocked,
// as in test/handlers/lambda-entries.test.ts. Its own process: the entries read their settings from
// process.env at import.

export interface EntryFigures {
  invocations: number;
  /** Median CPU of one warm invocation in this process. */
  cpuMs: number;
  /** Mean bytes written to stdout per warm invocation: the function's own log lines. */
  logBytes: number;
  logLines: number;
  /** One warm invocation's output, to show what is logged. */
  sample: string;
}

mockClient(SecretsManagerClient).on(GetSecretValueCommand).resolves({ SecretString: "bench-token" });

let requestNumber = 0;
/** `remainingMs`: the function's timeout, as Lambda reports it at the start (the sender plans its requests by it). */
const context = (memoryMb: number, remainingMs = 10_000): Context =>
  ({
    functionName: "TikTokEventsRelay-Function-AbCdEf123456",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:TikTokEventsRelay-Function-AbCdEf123456",
    memoryLimitInMB: String(memoryMb),
    awsRequestId: `c6af9ac6-7b61-11e6-9a41-${String(++requestNumber).padStart(12, "0")}`,
    logGroupName: "/aws/lambda/TikTokEventsRelay-Function-AbCdEf123456",
    logStreamName: "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

/** Runs `invoke` with everything it writes to stdout kept instead of printed. */
async function captured(invoke: () => Promise<void>): Promise<string> {
  let output = "";
  const write = process.stdout.write;
  // Powertools writes through a Console bound to process.stdout, so replacing write catches every line.
  (process.stdout as unknown as { write: (chunk: string | Uint8Array) => boolean }).write = (chunk) => {
    output += String(chunk);
    return true;
  };
  try {
    await invoke();
  } finally {
    process.stdout.write = write;
  }
  return output;
}

/** Runs `invoke` warm `runs` times, timing its CPU and keeping what it writes to stdout. */
async function measure(runs: number, invoke: () => Promise<void>): Promise<EntryFigures> {
  for (let i = 0; i < 3; i++) await captured(invoke); // the cold start, then warm
  const cpu: number[] = [];
  let bytes = 0;
  let lines = 0;
  let sample = "";
  for (let i = 0; i < runs; i++) {
    // Lambda sets a trace header per invocation, and Powertools logs it.
    process.env._X_AMZN_TRACE_ID = `Root=1-6743f1a2-${String(i).padStart(24, "0")};Parent=53995c3f42cd8ad8;Sampled=0;Lineage=1:8f1d2e3c:0`;
    let spent = 0;
    const output = await captured(async () => {
      const start = cpuMs();
      await invoke();
      spent = cpuMs() - start;
    });
    cpu.push(spent);
    bytes += Buffer.byteLength(output);
    lines += output.split("\n").filter(Boolean).length;
    sample = output;
  }
  return { invocations: runs, cpuMs: median(cpu), logBytes: bytes / runs, logLines: lines / runs, sample };
}

/** With "-<n>" appended: 34 to 36 characters, a UUID's length. */
const UUID_LIKE_PREFIX = "7c9e6679-7425-40de-944b-e07fc1f9";

serve(
  {
    async ingest({ size, runs }: { size: number; runs: number }): Promise<EntryFigures> {
      process.env.POWERTOOLS_SERVICE_NAME = "tiktok-relay-ingest";
      const { handler } = (await import("../lambdas/ingest/index")) as unknown as {
        handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
      };
      const request = ingestRequest(requestBody(size, UUID_LIKE_PREFIX));
      return measure(runs, async () => {
        const response = await handler(request, context(Number(process.env.BENCH_INGEST_MEMORY_MB)));
        if (response.statusCode !== 202) throw new Error(`ingest entry answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      });
    },
    async sender({ size, runs }: { size: number; runs: number }): Promise<EntryFigures> {
      process.env.POWERTOOLS_SERVICE_NAME = "tiktok-relay-sender";
      const { handler } = (await import("../lambdas/sender/index")) as unknown as {
        handler: (event: unknown, context: Context) => Promise<SQSBatchResponse>;
      };
      // Event ids as long as the UUIDs a browser pixel makes (36 characters): the sender logs the ids it delivered.
      const entries = await queuedEntries(size, UUID_LIKE_PREFIX);
      const batch = sqsEventOf(entries);
      return measure(runs, async () => {
        // The stack's sender timeout: with less, the sender would not start a TikTok request it could not finish.
        const response = await handler(
          batch,
          context(Number(process.env.BENCH_SENDER_MEMORY_MB), RELAY_CONFIG_DEFAULTS.senderTimeoutSeconds * 1000),
        );
        if (response.batchItemFailures.length > 0) throw new Error(`sender entry failed ${response.batchItemFailures.length} events`);
      });
    },
  },
  async () => {},
);
