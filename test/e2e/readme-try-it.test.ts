import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { silentLog } from "../../lambdas/core/log";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline";
import { waitFor } from "../support/queues";

// The README's "Try it" run as a new user runs it: `npm start` with no settings (a dry run, the default key),
// the README's curl body posted as it is. The answer and the request body printed for TikTok must be what the
// README shows (but for event_time, which is "now").

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const tryIt = README.slice(README.indexOf("## Try it"), README.indexOf("## Deploy in ten lines"));

let pipeline: LocalPipeline | undefined;
afterAll(() => pipeline?.stop());

describe("the README's Try it", () => {
  it("answers as shown and prints the exact body TikTok would receive", async () => {
    const body = /-d '([\s\S]*?)'\n/.exec(tryIt)?.[1];
    const answer = /^# (\{"accepted".*\})$/m.exec(tryIt)?.[1];
    const printedJson = /```json\n([\s\S]*?)\n```/.exec(tryIt)?.[1];
    expect(body && answer && printedJson, "the README's Try it has a curl body, its answer and the printed body").toBeTruthy();

    const printed: string[] = [];
    pipeline = await startLocalPipeline({
      env: { PORT: "0", SQS_PORT: "0", DYNAMODB_PORT: "0", SENDER_BATCHING_WINDOW_MS: "100" },
      log: silentLog,
      print: (line) => printed.push(line),
    });
    const response = await fetch(pipeline.eventsUrl, { method: "POST", headers: { Authorization: "Bearer local-dev-key" }, body: body! });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual(JSON.parse(answer!));

    await waitFor(() => printed.some((line) => line.includes("[dry run]")), 15_000, "the dry-run body");
    const line = printed.find((entry) => entry.includes("[dry run]"))!;
    const sent = JSON.parse(line.slice(line.indexOf("{")));
    const shown = JSON.parse(printedJson!);
    const withoutTime = (request: { data: { event_time?: number }[] }) => ({
      ...request,
      data: request.data.map(({ event_time: _time, ...event }) => event),
    });
    expect(withoutTime(sent)).toEqual(withoutTime(shown));
  });
});
