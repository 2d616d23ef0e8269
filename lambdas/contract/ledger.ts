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

/**
 * The tenant table's partition key (S): "<kind>#<id>", one item kind per reader, so each function's IAM policy
 * names only the kinds it needs (dynamodb:LeadingKeys): "key#<sha256>" → tenant (the authorizer),
 * "tenant#<name>" → pixels and settings (ingest, webhook), "token#<name>" (the sender), "webhook#<name>"
 * (the webhook).
 */
export const TENANT_PARTITION_KEY = "pk";
export const TENANT_ITEM_KINDS = { key: "key", tenant: "tenant", token: "token", webhook: "webhook" } as const;
export type TenantItemKind = keyof typeof TENANT_ITEM_KINDS;
