import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalPipeline } from "../../local/pipeline";
import { type FakeTikTok, startFakeTikTok } from "../support/fake-tiktok";
import { startTestPipeline } from "../support/pipeline";
import { waitFor } from "../support/queues";

// The commands docs/operations.md shows for `npm start`, run as written (only the port numbers are the test
// pipeline's): a user copying them from the manual gets an answer, not an error.

const PAGE = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");
const section = PAGE.slice(PAGE.indexOf("## The same tools against `npm start`"));
const commands = (/```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? "")
  .split("\n")
  .map((line) => line.replace(/\s+#.*$/, "").trim())
  .filter((line) => line.startsWith("npm run "));

let tiktok: FakeTikTok;
let pipeline: LocalPipeline;
let home: string;
beforeAll(async () => {
  tiktok = await startFakeTikTok();
  pipeline = await startTestPipeline(tiktok);
  home = await mkdtemp(join(tmpdir(), "relay-docs-home-"));
});
afterAll(async () => {
  await pipeline?.stop();
  await tiktok?.close();
});

/** `npm run <script> -- args` as the script's entry file runs it, in an environment without AWS settings. */
function run(line: string): Promise<{ code: number; output: string }> {
  const [, script, ...rest] = /^npm run (\S+) -- (.*)$/.exec(line)!.slice(0, 3);
  const args = rest.join(" ").split(/\s+/);
  const entry = { dlq: "bin/dlq.ts", redrive: "bin/redrive.ts", trace: "bin/trace.ts" }[script!];
  if (!entry) throw new Error(`no entry for npm run ${script}`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
  const sqsPort = new URL(pipeline.sqsEndpoint).port;
  Object.assign(env, {
    HOME: home,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // What `--local` means: the servers npm start runs (here on the test pipeline's ports).
    SQS_PORT: sqsPort,
    DYNAMODB_ENDPOINT: pipeline.ledgerEndpoint,
  });
  const localized = args.map((arg) => arg.replace("http://127.0.0.1:9324", pipeline.sqsEndpoint).replace("<event_id>", "doc-1"));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", entry, ...localized],
      { cwd: join(import.meta.dirname, "../.."), env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe("the manual's commands against npm start", () => {
  it("are there to run", () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
  });

  it("run as written and answer", async () => {
    const response = await fetch(pipeline.eventsUrl, {
      method: "POST",
      headers: { Authorization: "Bearer k" },
      body: JSON.stringify({ event: "Purchase", event_id: "doc-1", properties: { currency: "USD", value: 1 } }),
    });
    expect(response.status).toBe(202);
    await waitFor(() => tiktok.deliveredIds().includes("doc-1"), 15_000, "the delivery");
    await waitFor(async () => (await pipeline.stats()).events.delivered >= 1, 5_000, "the ledger record");
    for (const command of commands) {
      const { code, output } = await run(command);
      expect(code, `${command}\n${output}`).toBe(0);
      if (command.includes("trace")) expect(output).toContain("doc-1: delivered to TikTok");
    }
  });
});
