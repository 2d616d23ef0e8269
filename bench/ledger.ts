import { dynamoDbLedger } from "../lambdas/aws/dynamodb-ledger";
import { CONVERSION_EVENTS, inLedgerScope, type LedgerScope } from "../lambdas/core/ledger";
import { LedgerGuard } from "../lambdas/core/ledger-guard";
import { silentLog } from "../lambdas/core/log";
import { httpTransport } from "../lambdas/core/tiktok-transport";
import { createSenderHandler } from "../lambdas/sender/sender";
import { RELAY_CONFIG_DEFAULTS } from "../lib/config";
import { startLocalLedger } from "../local/dynamo-server";
import { startChild } from "./child";
import { benchSenderDeps, queuedEntries, sqsEventOf } from "./fixtures";
import { median } from "./measure";
import { bullets, ms, num, type SectionReport, table, usd } from "./report";

// The delivery ledger's price and its cost in the sender: DynamoDB on-demand units per event for each scope
// (priced, for a typical shop's mix of events), and the sender's time per 1,000-event batch with and without
// the ledger, measured against the embedded DynamoDB-protocol server (dynalite: slower than DynamoDB, so the
// overhead here is an upper bound).

/** DynamoDB on-demand, us-east-1 (aws.amazon.com/dynamodb/pricing/on-demand, after the Nov 2024 cut). */
const PRICES = {
  perMillionReadUnits: 0.125,
  perMillionWriteUnits: 0.625,
  storagePerGbMonth: 0.25,
  pitrPerGbMonth: 0.2,
} as const;

/** A typical shop's events: mostly page views and carts; 2% are purchases or other conversions. */
const CONVERSION_SHARE = 0.02;
/** One record: event_id, "web:<pixel>#<event>", delivered_at, request_id, attempts, expires_at, with DynamoDB's overhead. */
const ITEM_BYTES = 200;

export interface LedgerOptions {
  latencyMs: number;
  runs: number;
}

export async function benchLedger(
  options: LedgerOptions,
  batchedCostPerEvent: number | undefined,
  progress: (line: string) => void,
): Promise<SectionReport> {
  // Units per event: a lookup is an eventually consistent read (0.5 unit per item up to 4 KB), a record a
  // write (1 unit per item up to 1 KB); WooCommerce orders are also looked up at the webhook.
  const perMillion = (scope: LedgerScope) => {
    const inScope = scope === "off" ? 0 : scope === "all" ? 1 : CONVERSION_SHARE;
    const reads = 1e6 * inScope * 0.5;
    const writes = 1e6 * inScope;
    const gbMonths = ((1e6 * inScope * ITEM_BYTES) / 1024 ** 3) * (RELAY_CONFIG_DEFAULTS.ledgerDays / 30);
    const dollars =
      (reads / 1e6) * PRICES.perMillionReadUnits +
      (writes / 1e6) * PRICES.perMillionWriteUnits +
      gbMonths * (PRICES.storagePerGbMonth + PRICES.pitrPerGbMonth);
    return { inScope, reads, writes, dollars };
  };
  const scopes = (["off", "conversions", "all"] as const).map((scope) => ({ scope, ...perMillion(scope) }));

  progress("ledger: timing the sender on 1,000 purchases with and without the ledger");
  const peers = await startChild("./peers.ts");
  const ledgerServer = await startLocalLedger({ port: 0 });
  const timings: Record<"none" | "ledger", number[]> = { none: [], ledger: [] };
  try {
    const url = await peers.call<string>("startTikTok", { latencyMs: options.latencyMs });
    const base = benchSenderDeps(httpTransport(url, 10_000));
    const guard = new LedgerGuard(
      dynamoDbLedger(ledgerServer.client, ledgerServer.tableName, { retentionDays: 35 }),
      "conversions",
      silentLog,
    );
    const senders = { none: createSenderHandler(base), ledger: createSenderHandler({ ...base, ledger: guard }) };
    for (let run = 0; run < options.runs; run++) {
      for (const mode of ["none", "ledger"] as const) {
        // Fresh event ids every time: a second run of the same ids would be skipped, which is cheaper.
        const batch = sqsEventOf(await queuedEntries(1000, `ledger-${mode}-${run}`));
        const started = performance.now();
        await senders[mode](batch);
        timings[mode].push(performance.now() - started);
      }
    }
  } finally {
    await ledgerServer.close();
    await peers.stop();
  }
  const none = median(timings.none);
  const withLedger = median(timings.ledger);
  const defaultScope = scopes.find((s) => s.scope === RELAY_CONFIG_DEFAULTS.ledgerScope)!;
  const withDefault = batchedCostPerEvent === undefined ? undefined : batchedCostPerEvent * 1e6 + defaultScope.dollars;

  return {
    title: "Delivery ledger (cost per million events, sender overhead)",
    summary: [
      {
        section: "Cost",
        figure: `ledger $ per million events, default scope (${RELAY_CONFIG_DEFAULTS.ledgerScope}, ${num(CONVERSION_SHARE * 100)}% conversions)`,
        measured: usd(defaultScope.dollars),
        against: `"all": ${usd(scopes[2]!.dollars)}, "off": $0`,
        target: "",
        met: undefined,
      },
      ...(withDefault === undefined
        ? []
        : [
            {
              section: "Cost",
              figure: "$ per million events, posted 100 per request, with the ledger at its default scope",
              measured: usd(withDefault),
              against: `without the ledger: ${usd(batchedCostPerEvent! * 1e6)}`,
              target: "≤ $0.30",
              met: withDefault <= 0.3,
            },
          ]),
      {
        section: "Sender",
        figure: "sender time per 1,000 purchases, with the ledger (dynalite)",
        measured: ms(withLedger),
        against: `without: ${ms(none)} (+${ms(withLedger - none)})`,
        target: "",
        met: undefined,
      },
    ],
    detail: [
      table(
        ["scope", "events in scope", "read units / M events", "write units / M events", "$ / M events"],
        scopes.map((s) => [s.scope, `${num(s.inScope * 100)}%`, num(s.reads), num(s.writes), usd(s.dollars)]),
      ),
      "",
      bullets([
        `Prices: on-demand read $${PRICES.perMillionReadUnits} and write $${PRICES.perMillionWriteUnits} per million units, storage $${PRICES.storagePerGbMonth} and PITR $${PRICES.pitrPerGbMonth} per GB-month (us-east-1).`,
        `A lookup is an eventually consistent BatchGetItem read (0.5 unit per item); a record is a BatchWriteItem write (1 unit); an item is about ${ITEM_BYTES} B, kept ${RELAY_CONFIG_DEFAULTS.ledgerDays} days.`,
        `"conversions" guards ${[...CONVERSION_EVENTS].join(", ")}; a typical shop sends ${num(CONVERSION_SHARE * 100)}% of its events as these. The default scope checks ${inLedgerScope("conversions", "Purchase") ? "purchases" : "nothing"} and leaves page views and carts to TikTok's 48 h deduplication.`,
        `Sender: median of ${options.runs} runs of 1,000 purchases (every one in scope, the worst case) against a fake TikTok answering in ${options.latencyMs} ms; with the ledger, one lookup and one record per event against dynalite on this machine.`,
      ]),
    ].join("\n"),
  };
}
