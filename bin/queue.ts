import { localQueueOptions, startLocalQueues } from "../local/sqs-server";

// `npm run queue`: the embedded SQS-protocol server on its own, so that `SQS_ENDPOINT=... npm start` keeps
// accepted events across restarts of the pipeline (the messages live as long as this process).

let queues: Awaited<ReturnType<typeof startLocalQueues>>;
try {
  queues = await startLocalQueues(localQueueOptions(process.env));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const busy = /EADDRINUSE.*:(\d+)/.exec(message)?.[1];
  // One line with the fix, not a stack trace.
  console.error(
    busy
      ? `cannot start: port ${busy} is in use (another queue server?). Choose another: SQS_PORT=9325 npm run queue`
      : `cannot start: ${message}`,
  );
  process.exit(1);
}
console.log(
  [
    `SQS-protocol server on ${queues.endpoint}`,
    `  events queue: ${queues.eventsQueueUrl}`,
    `  DLQ:          ${queues.deadLetterQueueUrl}`,
    `start the relay with: SQS_ENDPOINT=${queues.endpoint} npm start`,
  ].join("\n"),
);
const stop = async () => {
  await queues.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
