import { readFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import type { ISqsServerOptions } from "local-aws-sqs";

// local-aws-sqs 2.0.x counts a ChangeMessageVisibility call as one more receive (its visibility routine,
// shared by ReceiveMessage and ChangeMessageVisibility, always increments ApproximateReceiveCount). Real
// SQS does not, and the sender's retry backoff changes visibility after every failed attempt: with the
// bug a message would reach the DLQ after half its receives, and without the sender's reason. We load the
// library with that one increment made conditional on "this is a receive". The check below fails loudly if
// a new version changes the code, so the workaround cannot silently stop applying.

const require = createRequire(import.meta.url);
const entry = require.resolve("local-aws-sqs");
const BUG = "let n=Number(t.record.attributes.ApproximateReceiveCount)+1;";
const FIX = "let n=Number(t.record.attributes.ApproximateReceiveCount)+(i?0:1);";

interface LocalAwsSqs {
  createSqsServer: (options: ISqsServerOptions) => Promise<Server>;
  /** The library's request handler without a server, for a server of our own (local/sqs-server.ts guards it). */
  createRequestHandler: (options: ISqsServerOptions) => {
    service: { PORT: number };
    requestHandler: (request: IncomingMessage, response: ServerResponse) => void;
  };
}

function load(): LocalAwsSqs {
  const source = readFileSync(entry, "utf8");
  if (!source.includes(BUG)) {
    throw new Error(`local-aws-sqs at ${entry} no longer has the receive-count code local/local-aws-sqs.ts patches: review the workaround`);
  }
  const patched = new Module(entry);
  patched.filename = entry;
  patched.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(entry));
  (patched as unknown as { _compile(code: string, filename: string): void })._compile(source.replace(BUG, FIX), entry);
  return patched.exports as LocalAwsSqs;
}

export const { createSqsServer, createRequestHandler } = load();
