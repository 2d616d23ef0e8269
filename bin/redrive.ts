import "./node-notice";
import { dlqUrlOf, parseRedriveArgs } from "../cli/args";
import { createClients } from "../cli/clients";
import { runRedrive } from "../cli/commands";
import { guarded } from "../cli/errors";

// `npm run redrive -- ...`: puts dead-lettered events back on the events queue (see --help).

process.exitCode = await guarded(async () => {
  const args = parseRedriveArgs(process.argv.slice(2));
  const clients = createClients(process.env, dlqUrlOf(args));
  try {
    return await runRedrive(args, { ...clients, print: console.log });
  } finally {
    clients.sqs.destroy();
  }
}, console.error);
