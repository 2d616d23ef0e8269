import "./node-notice";
import { localLedgerOptions, startLocalLedger } from "../local/dynamo-server";
import { localQueueOptions, startLocalQueues } from "../local/sqs-server";

// `npm run queue`: the embedded SQS-protocol server and the delivery ledger's DynamoDB-protocol server on
// their own, so that `SQS_ENDPOINT=... DYNAMODB_ENDPOINT=... npm start` keeps accepted events and the record
// of what was delivered across restarts of the pipeline (they live as long as this process).

let queues: Awaited<ReturnType<typeof startLocalQueues>>;
let ledger: Awaited<ReturnType<typeof startLocalLedger>>;
try {
  queues = await startLocalQueues(localQueueOptions(process.env));
  ledger = await startLocalLedger(localLedgerOptions(process.env));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const busy = /EADDRINUSE.*:(\d+)/.exec(message)?.[1];
  // One line with the fix, not a stack trace.
  console.error(
    busy
      ? `cannot start: port ${busy} is in use (another queue server?). Choose others: SQS_PORT=9325 DYNAMODB_PORT=8001 npm run queue`
      : `cannot start: ${message}`,
  );
  process.exit(1);
}
console.log(
  [
    `SQS-protocol server on ${queues.endpoint}`,
    `  events queue: ${queues.eventsQueueUrl}`,
    `  DLQ:          ${queues.deadLetterQueueUrl}`,
    `DynamoDB-protocol server on ${ledger.endpoint} (table ${ledger.tableName}: the delivery ledger)`,
    `start the relay with: SQS_ENDPOINT=${queues.endpoint} DYNAMODB_ENDPOINT=${ledger.endpoint} npm start`,
  ].join("\n"),
);
const stop = async () => {
  await queues.close();
  await ledger.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
