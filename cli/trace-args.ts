import { TENANT_NAME } from "../lambdas/contract";
import { PIXEL_CODE } from "../lambdas/core/pixel-code";
import { UsageError } from "./errors";

// The command line of `npm run trace`, parsed without touching AWS, so every usage mistake is reported
// before anything is read.

/** Where the ledger table and the dead-letter queue are found. */
export interface TraceTarget {
  stack?: string;
  local?: boolean;
  table?: string;
  dlq?: string;
}

export type TraceArgs =
  | { mode: "help" }
  | { mode: "trace"; eventId: string; event?: string; pixel?: string; tenant?: string; target: TraceTarget };

/** The exit codes of `npm run trace`: a script can tell "not delivered" from "could not find out". */
export const TRACE_EXIT = { delivered: 0, failed: 1, usage: 2, deadLettered: 3, unknown: 4 } as const;

export const TRACE_USAGE = `usage: npm run trace -- <event_id> (--stack NAME | --local | --table NAME) [options]

  Did this event reach TikTok? Looks the event_id up in the delivery ledger (every event TikTok accepted,
  kept LEDGER_DAYS, default 35) and, when it is not there, in the dead-letter queue.

  --stack NAME     the deployed stack (default name TikTokEventsRelay): its LedgerTableName and
                   DeadLetterQueueUrl outputs
  --local          the local pipeline (npm start): DynamoDB at DYNAMODB_ENDPOINT, else http://127.0.0.1:DYNAMODB_PORT
                   (default 8000); SQS at SQS_ENDPOINT, else http://127.0.0.1:SQS_PORT (default 9324)
  --table NAME     the ledger table by name (instead of the stack's or the local one; alone, in the account
                   and region of your AWS configuration)
  --dlq URL        the dead-letter queue by URL (instead of the stack's or the local one)
  --event NAME     only deliveries of this event name, e.g. Purchase
  --pixel CODE     only deliveries to this pixel
  --tenant NAME    only deliveries of this tenant's events

  exit code: ${TRACE_EXIT.delivered} delivered; ${TRACE_EXIT.deadLettered} in the dead-letter queue; ${TRACE_EXIT.unknown} not known (never accepted by TikTok, or
  older than the ledger's retention); ${TRACE_EXIT.failed} the ledger or the queue could not be read; ${TRACE_EXIT.usage} a wrong command line`;

const VALUE_FLAGS = {
  "--stack": "--stack TikTokEventsRelay",
  "--table": "--table TikTokEventsRelay-DeliveryLedgerTable1234-ABCD",
  "--dlq": "--dlq https://sqs.eu-west-1.amazonaws.com/123456789012/my-dlq",
  "--event": "--event Purchase",
  "--pixel": "--pixel C4PIXEL0000000000001",
  "--tenant": "--tenant shop-a",
} as const;
type ValueFlag = keyof typeof VALUE_FLAGS;

export function parseTraceArgs(argv: readonly string[]): TraceArgs {
  if (argv.includes("--help") || argv.includes("-h")) return { mode: "help" };
  const values = new Map<ValueFlag, string>();
  const positional: string[] = [];
  let local = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith("--")) {
      positional.push(token);
      continue;
    }
    const equals = token.indexOf("=");
    const name = equals === -1 ? token : token.slice(0, equals);
    if (name === "--local") {
      if (equals !== -1) throw new UsageError("--local takes no value");
      if (local) throw new UsageError("--local is given twice");
      local = true;
      continue;
    }
    if (!(name in VALUE_FLAGS)) throw new UsageError(`unknown flag ${name}`);
    const flag = name as ValueFlag;
    const value = equals === -1 ? argv[++i] : token.slice(equals + 1);
    if (value === undefined || value === "" || (equals === -1 && value.startsWith("--"))) {
      throw new UsageError(`${flag} needs a value, e.g. ${VALUE_FLAGS[flag]}`);
    }
    if (values.has(flag)) throw new UsageError(`${flag} is given twice`);
    values.set(flag, value);
  }

  if (positional.length === 0) throw new UsageError("say which event: npm run trace -- <event_id> --stack TikTokEventsRelay");
  if (positional.length > 1) throw new UsageError(`one event_id at a time, not ${positional.length} (${positional.join(" ")})`);
  const eventId = positional[0]!;
  if (eventId.trim() === "") throw new UsageError("the event_id is empty");

  const target: TraceTarget = {};
  const stack = values.get("--stack");
  if (stack !== undefined && local) throw new UsageError("give either --stack or --local, not both");
  if (stack !== undefined) target.stack = stack;
  if (local) target.local = true;
  const table = values.get("--table");
  if (table !== undefined) target.table = table;
  const dlq = values.get("--dlq");
  if (dlq !== undefined) {
    if (!/^https?:\/\/[^/]+\/.+/.test(dlq))
      throw new UsageError(`--dlq needs a queue URL like https://sqs.<region>.amazonaws.com/<account>/<name>, not "${dlq}"`);
    target.dlq = dlq;
  }
  if (stack === undefined && !local && table === undefined) {
    throw new UsageError("say where the ledger is: --stack TikTokEventsRelay (a deployed stack), --local (npm start) or --table <name>");
  }

  const pixel = values.get("--pixel");
  if (pixel !== undefined && !PIXEL_CODE.test(pixel))
    throw new UsageError(`--pixel needs a TikTok pixel code (10 to 32 letters and digits), not "${pixel}"`);
  const event = values.get("--event");
  const tenant = values.get("--tenant");
  if (tenant !== undefined && !TENANT_NAME.test(tenant)) throw new UsageError(`--tenant needs a tenant name, not "${tenant}"`);
  return {
    mode: "trace",
    eventId,
    target,
    ...(event !== undefined && { event }),
    ...(pixel !== undefined && { pixel }),
    ...(tenant !== undefined && { tenant }),
  };
}
