import "./node-notice";
import { dlqUrlOf, parseDlqArgs } from "../cli/args";
import { createClients } from "../cli/clients";
import { runDlq } from "../cli/commands";
import { guarded } from "../cli/errors";

// `npm run dlq -- peek ...` shows what is in the dead-letter queue and why; `npm run dlq -- redrive ...`
// is `npm run redrive -- ...`.

process.exitCode = await guarded(async () => {
  const args = parseDlqArgs(process.argv.slice(2));
  const clients = createClients(process.env, dlqUrlOf(args));
  try {
    return await runDlq(args, { ...clients, print: console.log });
  } finally {
    clients.sqs.destroy();
  }
}, console.error);
