import { localQueueOptions, startLocalQueues } from "../local/sqs-server";

// `npm run queue`: the embedded SQS-protocol server on its own, so that `SQS_ENDPOINT=... npm start` keeps
// accepted events across restarts of the pipeline (the messages live as long as this process).

const queues = await startLocalQueues(localQueueOptions(process.env));
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
