import { UsageError } from "./errors";

// Command lines of `npm run redrive` and `npm run dlq`, parsed without touching AWS, so every usage mistake
// is reported before anything is read or moved.

/** Where the dead-letter queue (and the queue its messages go back to) are found. */
export interface Target {
  stack?: string;
  dlq?: string;
  queue?: string;
}

/** Which dead-lettered messages a selective redrive moves: every given criterion must match. */
export interface Filter {
  /** Any of these reason codes (empty: any reason). */
  reasons: string[];
  /** Any of these event names (empty: any event). */
  events: string[];
  /** Failed at least this long ago. */
  olderThanMs?: number;
  /** Any of these tenants (empty: any, including the single shop's events). */
  tenants?: string[];
}

export type RedriveArgs =
  | { mode: "help" }
  | { mode: "move"; target: Target; rate?: number }
  | { mode: "follow"; target: Target }
  | { mode: "cancel"; target: Target }
  | { mode: "select"; target: Target; filter: Filter; dryRun: boolean };

export type DlqArgs =
  | { command: "help" }
  | { command: "peek"; target: Target; max: number; tenant?: string; ids?: boolean }
  | { command: "redrive"; redrive: RedriveArgs };

export const DEFAULT_PEEK_MAX = 1000;
/** SQS refuses more: a standard queue holds at most 120,000 messages in flight. */
const MAX_PEEK = 100_000;
/** SQS's own bounds for MaxNumberOfMessagesPerSecond. */
const MAX_RATE = 500;

export const REDRIVE_USAGE = `usage: npm run redrive -- (--stack NAME | --dlq URL) [--queue URL] [options]

  --stack NAME        the deployed stack (default name TikTokEventsRelay): its DLQ and events queue
  --dlq URL           the dead-letter queue by URL (e.g. the local pipeline's, with AWS_ENDPOINT_URL_SQS)
  --queue URL         where messages go back to (default: the stack's events queue, or the DLQ's only source queue)

  whole DLQ (an SQS move task):
    --rate N          at most N messages per second (1-500; default: SQS chooses)
    --follow          follow the move task already running
    --cancel          cancel the running move task
  selected messages (moved one by one):
    --reason CODE     e.g. 40002, 50000, too_old, http_503, unknown (repeatable, or comma-separated)
    --event NAME      e.g. CompletePayment (repeatable, or comma-separated)
    --older-than DUR  failed at least DUR ago: 30m, 2h, 3d
    --tenant NAME     only this tenant's events (repeatable, or comma-separated)
    --dry-run         only print what would move; changes nothing`;

export const DLQ_USAGE = `usage: npm run dlq -- peek (--stack NAME | --dlq URL) [--max N] [--tenant NAME] [--ids]
       npm run dlq -- redrive ...   (the same as npm run redrive -- ...)

  peek reads up to N messages (default ${DEFAULT_PEEK_MAX}) without removing them and groups them by reason;
  --ids also lists every message read, one line each: event_id, event name, reason, failed_at`;

type FlagKind = "value" | "list" | "switch";
type FlagSpec = Record<string, { kind: FlagKind; example?: string }>;
type Flags = Map<string, string[]>;

const TARGET_FLAGS: FlagSpec = {
  "--stack": { kind: "value", example: "--stack TikTokEventsRelay" },
  "--dlq": { kind: "value", example: "--dlq https://sqs.eu-west-1.amazonaws.com/123456789012/my-dlq" },
  "--queue": { kind: "value", example: "--queue https://sqs.eu-west-1.amazonaws.com/123456789012/my-queue" },
};

const REDRIVE_FLAGS: FlagSpec = {
  ...TARGET_FLAGS,
  "--rate": { kind: "value", example: "--rate 50" },
  "--follow": { kind: "switch" },
  "--cancel": { kind: "switch" },
  "--reason": { kind: "list", example: "--reason 40002" },
  "--event": { kind: "list", example: "--event CompletePayment" },
  "--older-than": { kind: "value", example: "--older-than 2h" },
  "--tenant": { kind: "list", example: "--tenant shop-a" },
  "--dry-run": { kind: "switch" },
};

const PEEK_FLAGS: FlagSpec = {
  "--ids": { kind: "switch" },
  "--stack": TARGET_FLAGS["--stack"]!,
  "--dlq": TARGET_FLAGS["--dlq"]!,
  "--max": { kind: "value", example: "--max 200" },
  "--tenant": { kind: "value", example: "--tenant shop-a" },
};

export function parseRedriveArgs(argv: readonly string[]): RedriveArgs {
  if (wantsHelp(argv)) return { mode: "help" };
  const flags = readFlags(argv, REDRIVE_FLAGS);
  const target = readTarget(flags);
  const filter: Filter = { reasons: list(flags, "--reason"), events: list(flags, "--event") };
  const tenants = list(flags, "--tenant");
  if (tenants.length > 0) filter.tenants = tenants;
  const olderThan = one(flags, "--older-than");
  if (olderThan !== undefined) filter.olderThanMs = parseDuration(olderThan);
  const dryRun = flags.has("--dry-run");
  const selective = filter.reasons.length > 0 || filter.events.length > 0 || tenants.length > 0 || olderThan !== undefined || dryRun;

  for (const control of ["--cancel", "--follow"] as const) {
    if (!flags.has(control)) continue;
    const clash = ["--reason", "--event", "--tenant", "--older-than", "--dry-run", "--rate", "--cancel", "--follow"].find(
      (flag) => flag !== control && flags.has(flag),
    );
    if (clash) throw new UsageError(`${control} acts on the running move task and cannot be combined with ${clash}`);
    return { mode: control === "--cancel" ? "cancel" : "follow", target };
  }
  const rate = one(flags, "--rate");
  if (selective) {
    // A selective redrive sends message by message; a rate is a move-task setting and would be silently ignored.
    if (rate !== undefined) throw new UsageError("--rate applies to a whole-DLQ move task, not to --reason/--event/--older-than/--dry-run");
    return { mode: "select", target, filter, dryRun };
  }
  return rate === undefined ? { mode: "move", target } : { mode: "move", target, rate: parseInteger("--rate", rate, 1, MAX_RATE) };
}

export function parseDlqArgs(argv: readonly string[]): DlqArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") return { command: "help" };
  if (command === "redrive") return { command: "redrive", redrive: parseRedriveArgs(rest) };
  if (command !== "peek") throw new UsageError(`unknown command "${command}": use peek or redrive`);
  if (wantsHelp(rest)) return { command: "help" };
  const flags = readFlags(rest, PEEK_FLAGS);
  const max = one(flags, "--max");
  const tenant = one(flags, "--tenant");
  return {
    command: "peek",
    target: readTarget(flags),
    max: max === undefined ? DEFAULT_PEEK_MAX : parseInteger("--max", max, 1, MAX_PEEK),
    ...(tenant !== undefined ? { tenant } : {}),
    ...(flags.has("--ids") ? { ids: true } : {}),
  };
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "2h", "3d" (and "45s") → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`--older-than needs a duration like 30m, 2h or 3d, not "${text}"`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

function readFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("--")) throw new UsageError(`unexpected argument "${token}"`);
    const equals = token.indexOf("=");
    const name = equals === -1 ? token : token.slice(0, equals);
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown flag ${name}`);
    let value: string | undefined;
    if (flag.kind === "switch") {
      if (equals !== -1) throw new UsageError(`${name} takes no value`);
      value = "";
    } else {
      value = equals === -1 ? argv[++i] : token.slice(equals + 1);
      if (value === undefined || value === "" || (equals === -1 && value.startsWith("--"))) {
        throw new UsageError(`${name} needs a value, e.g. ${flag.example}`);
      }
    }
    const values = flags.get(name) ?? [];
    if (flag.kind !== "list" && values.length > 0) throw new UsageError(`${name} is given twice`);
    flags.set(name, [...values, value]);
  }
  return flags;
}

function readTarget(flags: Flags): Target {
  const stack = one(flags, "--stack");
  const dlq = one(flags, "--dlq");
  if (stack !== undefined && dlq !== undefined) throw new UsageError("give either --stack or --dlq, not both");
  if (stack === undefined && dlq === undefined) {
    throw new UsageError("say which dead-letter queue: --stack TikTokEventsRelay (a deployed stack) or --dlq <queue URL>");
  }
  const target: Target = stack !== undefined ? { stack } : { dlq: checkUrl("--dlq", dlq!) };
  const queue = one(flags, "--queue");
  if (queue !== undefined) target.queue = checkUrl("--queue", queue);
  return target;
}

function checkUrl(flag: string, value: string): string {
  if (!/^https?:\/\/[^/]+\/.+/.test(value))
    throw new UsageError(`${flag} needs a queue URL like https://sqs.<region>.amazonaws.com/<account>/<name>, not "${value}"`);
  return value;
}

function one(flags: Flags, name: string): string | undefined {
  return flags.get(name)?.[0];
}

function list(flags: Flags, name: string): string[] {
  const given = flags.get(name) ?? [];
  const values = given.flatMap((value) => value.split(",")).map((value) => value.trim());
  if (values.some((value) => value === "")) throw new UsageError(`${name} has an empty entry in "${given.join(",")}"`);
  return [...new Set(values)];
}

function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}

/** The DLQ URL given on the command line, if any: it tells whether the local pipeline is meant. */
export function dlqUrlOf(args: RedriveArgs | DlqArgs): string | undefined {
  if ("command" in args) return args.command === "peek" ? args.target.dlq : args.command === "redrive" ? dlqUrlOf(args.redrive) : undefined;
  return args.mode === "help" ? undefined : args.target.dlq;
}
