// The delivery ledger's DynamoDB key schema and scopes, part of the contract: the CDK stack builds the table from
// these names and the adapter (lambdas/aws/dynamodb-ledger.ts) reads and writes them, so they cannot drift.

/** Partition key (S): the event_id, so `npm run trace` finds every delivery of one event with one Query. */
export const LEDGER_PARTITION_KEY = "event_id";
/** Sort key (S): destination + "#" + event name, e.g. "web:C4PIXEL0000000000001#Purchase". */
export const LEDGER_SORT_KEY = "target";
/** Unix seconds after which the record is worthless; DynamoDB's TTL deletes it (lazily: up to days late). */
export const LEDGER_TTL_ATTRIBUTE = "expires_at";

/** Which events the ledger guards: what double counting hurts (default), everything, or nothing. */
export const LEDGER_SCOPES = ["conversions", "all", "off"] as const;
export type LedgerScope = (typeof LEDGER_SCOPES)[number];
export const DEFAULT_LEDGER_SCOPE: LedgerScope = "conversions";
