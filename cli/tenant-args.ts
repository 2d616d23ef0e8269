import { TENANT_NAME } from "../lambdas/contract";
import { UsageError } from "./errors";

// The command line of `npm run tenants`, parsed without touching AWS: every usage mistake is reported first.

export const TENANT_COMMANDS = ["add", "list", "show", "rotate-key", "set-token", "set-webhook-secret", "remove"] as const;
export type TenantCommand = (typeof TENANT_COMMANDS)[number];

export interface TenantArgs {
  command: TenantCommand | "help";
  name?: string;
  target: { stack?: string; local?: boolean; table?: string };
  pixels: string[];
  offlineEventSets: string[];
  crmEventSets: string[];
  testEventCode?: string;
  phoneCountry?: string;
  customEvents?: boolean;
  lduRegions?: string[];
  /** rotate-key: drop the tenant's older keys (after its callers moved to the new one). */
  revokeOld: boolean;
}

export const TENANTS_USAGE = `usage: npm run tenants -- <command> [NAME] (--stack NAME | --local | --table NAME) [options]

  Tenants are the shops one relay serves, each with its own keys, pixels, TikTok token and WooCommerce
  webhook secret. Changes take effect within TENANT_CACHE_SECONDS (default 60) without a deploy.

  add NAME --pixel CODE [--pixel CODE2] [--offline-event-set ID] [--crm-event-set ID] [--test-event-code CODE]
           [--phone-country GB] [--custom-events true|false] [--ldu-regions US-CA,US-CO]
                            creates (or updates) the tenant; a new tenant gets its first ingest key and a
                            webhook secret, printed once (only their SHA-256 / the secret are stored)
  list                      every tenant, its pixels and whether it has a token
  show NAME                 one tenant: pixels, event sets, settings, key ids (never keys or the token)
  rotate-key NAME           a new key for the tenant (printed once); the older ones keep working
  rotate-key NAME --revoke-old
                            every key of the tenant but the newest stops working (after callers moved)
  set-token NAME            reads the TikTok access token from standard input (never the command line)
  set-webhook-secret NAME   a new WooCommerce webhook secret (printed once; paste it into the webhook)
  remove NAME               the tenant, its keys, token and webhook secret

  --stack NAME     the deployed stack (its TenantsTableName output)
  --local          npm start's table: DynamoDB at DYNAMODB_ENDPOINT, else http://127.0.0.1:DYNAMODB_PORT (8000)
  --table NAME     the tenant table by name`;

const LIST_FLAGS = { "--pixel": "pixels", "--offline-event-set": "offlineEventSets", "--crm-event-set": "crmEventSets" } as const;
const VALUE_FLAGS = ["--stack", "--table", "--test-event-code", "--phone-country", "--custom-events", "--ldu-regions"] as const;

export function parseTenantArgs(argv: readonly string[]): TenantArgs {
  const args: TenantArgs = { command: "help", target: {}, pixels: [], offlineEventSets: [], crmEventSets: [], revokeOld: false };
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) return args;
  const positional: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("--")) {
      positional.push(token);
      continue;
    }
    const [flag, inline] = token.includes("=")
      ? [token.slice(0, token.indexOf("=")), token.slice(token.indexOf("=") + 1)]
      : [token, undefined];
    if (flag === "--local") args.target.local = true;
    else if (flag === "--revoke-old") args.revokeOld = true;
    else if (flag in LIST_FLAGS || (VALUE_FLAGS as readonly string[]).includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      if (flag in LIST_FLAGS) args[LIST_FLAGS[flag as keyof typeof LIST_FLAGS]].push(value);
      else if (values.has(flag)) throw new UsageError(`${flag} is given twice`);
      else values.set(flag, value);
    } else throw new UsageError(`unknown flag ${flag}`);
  }
  const [command, name, ...rest] = positional;
  if (!(TENANT_COMMANDS as readonly string[]).includes(command ?? ""))
    throw new UsageError(`unknown command "${command}": ${TENANT_COMMANDS.join(", ")}`);
  args.command = command as TenantCommand;
  if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(" ")}`);
  if (command !== "list") {
    if (name === undefined) throw new UsageError(`say which tenant: npm run tenants -- ${command} <name>`);
    if (!TENANT_NAME.test(name)) throw new UsageError(`tenant name "${name}" must be 1 to 32 lower-case letters, digits and dashes`);
    args.name = name;
  }
  const stack = values.get("--stack");
  const table = values.get("--table");
  if ([stack !== undefined, args.target.local === true, table !== undefined].filter(Boolean).length !== 1)
    throw new UsageError("say where the tenants are: --stack TikTokEventsRelay, --local (npm start) or --table <name>");
  if (stack !== undefined) args.target.stack = stack;
  if (table !== undefined) args.target.table = table;
  const testEventCode = values.get("--test-event-code");
  if (testEventCode !== undefined) args.testEventCode = testEventCode;
  const country = values.get("--phone-country");
  if (country !== undefined) {
    if (!/^[A-Za-z]{2}$/.test(country)) throw new UsageError(`--phone-country needs a two-letter country code, not "${country}"`);
    args.phoneCountry = country.toUpperCase();
  }
  const custom = values.get("--custom-events");
  if (custom !== undefined) {
    if (!/^(true|false)$/.test(custom)) throw new UsageError("--custom-events is true or false");
    args.customEvents = custom === "true";
  }
  const ldu = values.get("--ldu-regions");
  if (ldu !== undefined)
    args.lduRegions = ldu
      .split(",")
      .map((region) => region.trim().toUpperCase())
      .filter(Boolean);
  return args;
}
