// The delivery ledger's DynamoDB key schema, in a file with no imports: the CDK stack builds the table from
// these names and the adapter (lambdas/aws/dynamodb-ledger.ts) reads and writes them, so they cannot drift.

/** Partition key (S): the event_id, so `npm run trace` finds every delivery of one event with one Query. */
export const LEDGER_PARTITION_KEY = "event_id";
/** Sort key (S): destination + "#" + event name, e.g. "web:C4PIXEL0000000000001#Purchase". */
export const LEDGER_SORT_KEY = "target";
/** Unix seconds after which the record is worthless; DynamoDB's TTL deletes it (lazily: up to days late). */
export const LEDGER_TTL_ATTRIBUTE = "expires_at";
