import { readFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import type { ISqsServerOptions } from "local-aws-sqs";

// Three fixes to local-aws-sqs 2.0.x, so the embedded server behaves as SQS does where the relay relies on it.
//
// It counts a ChangeMessageVisibility call as one more receive (its visibility routine,
// shared by ReceiveMessage and ChangeMessageVisibility, always increments ApproximateReceiveCount). Real
// SQS does not, and the sender's retry backoff changes visibility after every failed attempt: with the
// bug a message would reach the DLQ after half its receives, and without the sender's reason. We load the
// library with that one increment made conditional on "this is a receive". The check below fails loudly if
// a new version changes the code, so the workaround cannot silently stop applying.

//
// Its message move task also takes, in its last round, whatever is visible in the DLQ then, messages that
// arrived after the task started included, although SQS states the number to move when the task starts
// (ApproximateNumberOfMessagesToMove, "obtained at the time of starting"). A row dead-lettered again during a
// redrive would then go round a second time. Each round here takes at most what is left of that number.
//
// Its ReceiveMessage refuses with "The maximum number of in flight messages is reached" once the *visible*
// messages reach 120,000 (it subtracts the in-flight ones from the total and compares the rest). SQS's quota is on
// in-flight messages (received, not yet deleted); a backlog has no limit. With the bug, a local relay that fell
// 120,000 events behind (a long TikTok outage, or `npm run bench`'s load) stopped delivering altogether.

const require = createRequire(import.meta.url);
const entry = require.resolve("local-aws-sqs");
const PATCHES: [bug: string, fix: string][] = [
  ["let n=Number(t.record.attributes.ApproximateReceiveCount)+1;", "let n=Number(t.record.attributes.ApproximateReceiveCount)+(i?0:1);"],
  ["d=S(this,E).filter(f=>!f.visible).length,c=a-d;", "d=S(this,E).filter(f=>!f.visible).length,c=d;"],
  [
    "receive({MaxNumberOfMessages:S(this,Qe)})",
    "receive({MaxNumberOfMessages:Math.max(1,Math.min(S(this,Qe),this.ApproximateNumberOfMessagesToMove-this.ApproximateNumberOfMessagesMoved))})",
  ],
];

interface LocalAwsSqs {
  createSqsServer: (options: ISqsServerOptions) => Promise<Server>;
  /** The library's request handler without a server, for a server of our own (local/sqs-server.ts guards it). */
  createRequestHandler: (options: ISqsServerOptions) => {
    service: { PORT: number };
    requestHandler: (request: IncomingMessage, response: ServerResponse) => void;
  };
}

function load(): LocalAwsSqs {
  let source = readFileSync(entry, "utf8");
  for (const [bug, fix] of PATCHES) {
    if (!source.includes(bug)) {
      throw new Error(`local-aws-sqs at ${entry} no longer has the code local/local-aws-sqs.ts patches (${bug}): review the workaround`);
    }
    source = source.replace(bug, fix);
  }
  const patched = new Module(entry);
  patched.filename = entry;
  patched.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(entry));
  (patched as unknown as { _compile(code: string, filename: string): void })._compile(source, entry);
  return patched.exports as LocalAwsSqs;
}

export const { createSqsServer, createRequestHandler } = load();
