import {
  CancelMessageMoveTaskCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { CliError } from "./errors";
import { taskProgress } from "./format";
import { type Queue, type QueuePair, queueName } from "./queues";

// The whole DLQ back to its source with an SQS message move task: SQS moves the messages itself (with their
// attributes) and reports progress, so nothing is lost if this command stops; it only starts and watches.

export interface TaskDeps {
  sqs: SQSClient;
  print: (line: string) => void;
  /** How often progress is read. */
  pollMs?: number;
  /** The flags that name this DLQ, for the commands suggested in messages. */
  targetFlags: string;
}

type Task = ListMessageMoveTasksResultEntry;
const FINISHED = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

export async function startMoveTask(queues: QueuePair, rate: number | undefined, deps: TaskDeps): Promise<number> {
  const { sqs, print } = deps;
  const running = await runningTask(sqs, queues.dlq);
  if (running) throw alreadyRunning(running, deps.targetFlags);
  const waiting = await depth(sqs, queues.dlq);
  if (waiting.visible === 0) {
    print(
      `nothing to redrive: ${queueName(queues.dlq.url)} is empty${waiting.inFlight ? ` (${waiting.inFlight} in flight: being read right now; try again later)` : ""}`,
    );
    return 0;
  }
  print(
    `redriving about ${waiting.visible} messages from ${queueName(queues.dlq.url)} to ${queueName(queues.source.url)} ` +
      `(SQS move task, ${rate ? `at most ${rate} per second` : "rate chosen by SQS"})`,
  );
  let handle: string | undefined;
  try {
    // Always name the destination: messages the sender put in the DLQ itself carry no record of a source
    // queue, and without DestinationArn SQS fails the task with CouldNotDetermineMessageSource.
    ({ TaskHandle: handle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: queues.dlq.arn, DestinationArn: queues.source.arn, MaxNumberOfMessagesPerSecond: rate }),
    ));
  } catch (error) {
    // Another task may have started since we looked.
    if (/already/i.test((error as Error).message ?? "")) throw alreadyRunning(await runningTask(sqs, queues.dlq), deps.targetFlags);
    throw error;
  }
  // Rows that fail again while the task runs land in the DLQ again, and a move task would take them round
  // once more: the task is stopped once it moved as many messages as the DLQ held when it started.
  const task = await follow(queues.dlq, deps, handle, undefined, waiting.visible);
  return reportEnd(task, queues.source, print, waiting.visible);
}

/** `--follow`: watches the task already running (started by this command, the console or the CLI). */
export async function followMoveTask(dlq: Queue, deps: TaskDeps): Promise<number> {
  const running = await runningTask(deps.sqs, dlq);
  if (!running) throw new CliError(`no move task is running on ${queueName(dlq.url)}: nothing to follow`);
  return reportEnd(await follow(dlq, deps, running.TaskHandle), undefined, deps.print);
}

export async function cancelMoveTask(dlq: Queue, deps: TaskDeps): Promise<number> {
  const running = await runningTask(deps.sqs, dlq);
  if (!running?.TaskHandle) throw new CliError(`no move task is running on ${queueName(dlq.url)}: nothing to cancel`);
  const { ApproximateNumberOfMessagesMoved: moved = 0 } = await deps.sqs.send(
    new CancelMessageMoveTaskCommand({ TaskHandle: running.TaskHandle }),
  );
  deps.print(`cancelling the move task on ${queueName(dlq.url)}: ${moved} messages moved so far`);
  const task = await follow(dlq, deps, running.TaskHandle, running.StartedTimestamp);
  const left = Math.max(0, (task.ApproximateNumberOfMessagesToMove ?? 0) - (task.ApproximateNumberOfMessagesMoved ?? 0));
  deps.print(
    `${task.Status === "CANCELLED" ? "cancelled" : `the task ended ${task.Status}`}: ${task.ApproximateNumberOfMessagesMoved ?? 0} messages moved, about ${left} left in the DLQ`,
  );
  return 0;
}

async function follow(dlq: Queue, deps: TaskDeps, handle: string | undefined, started?: number, stopAfter?: number): Promise<Task> {
  let last = "";
  let stopping = false;
  for (;;) {
    const tasks = await listTasks(deps.sqs, dlq);
    // A task's handle is listed only while it runs; afterwards it is recognised by its start time.
    const task =
      tasks.find((t) => handle !== undefined && t.TaskHandle === handle) ??
      tasks.find((t) => started !== undefined && t.StartedTimestamp === started);
    if (!task) throw new CliError(`the move task on ${queueName(dlq.url)} is no longer listed; check the queue with npm run dlq -- peek`);
    started = task.StartedTimestamp;
    const line = taskProgress(task);
    if (line !== last) deps.print(line);
    last = line;
    if (FINISHED.has(task.Status ?? "")) return task;
    if (stopAfter !== undefined && !stopping && task.TaskHandle && (task.ApproximateNumberOfMessagesMoved ?? 0) >= stopAfter) {
      stopping = true;
      await deps.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: task.TaskHandle })).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 1000));
  }
}

function reportEnd(task: Task, source: Queue | undefined, print: (line: string) => void, atStart?: number): number {
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const to = source ? ` to ${queueName(source.url)}` : "";
  // Messages that were dead-lettered again while the task ran are counted in "moved" too: say so.
  const again =
    atStart !== undefined && moved > atStart
      ? `, of which about ${moved - atStart} came back to the DLQ during the move and went round again`
      : "";
  if (task.Status === "COMPLETED") {
    print(`done: ${moved} messages moved back${to}${again}`);
    return 0;
  }
  if (task.Status === "CANCELLED" && atStart !== undefined && moved >= atStart) {
    print(
      `done: ${moved} messages moved back${to}${again}; stopped there, so rows that failed again during the redrive stay in the DLQ (npm run dlq -- peek says why)`,
    );
    return 0;
  }
  const why = task.FailureReason ? ` (${task.FailureReason})` : "";
  print(`the move task ended ${task.Status}${why} after moving ${moved} messages; the rest is still in the DLQ`);
  return 1;
}

function alreadyRunning(task: Task | undefined, targetFlags: string): CliError {
  const progress = task ? ` (${task.ApproximateNumberOfMessagesMoved ?? 0} of ${task.ApproximateNumberOfMessagesToMove ?? "?"} moved)` : "";
  return new CliError(
    `a move task is already running on this DLQ${progress}: follow it with \`npm run redrive -- ${targetFlags} --follow\` ` +
      `or stop it with \`npm run redrive -- ${targetFlags} --cancel\``,
  );
}

async function runningTask(sqs: SQSClient, dlq: Queue): Promise<Task | undefined> {
  return (await listTasks(sqs, dlq)).find((task) => task.Status === "RUNNING");
}

async function listTasks(sqs: SQSClient, dlq: Queue): Promise<Task[]> {
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 10 }));
  return Results;
}

async function depth(sqs: SQSClient, dlq: Queue): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: dlq.url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
