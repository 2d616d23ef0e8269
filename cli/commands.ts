import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DLQ_USAGE, type DlqArgs, REDRIVE_USAGE, type RedriveArgs } from "./args";
import { targetFlags } from "./format";
import { cancelMoveTask, followMoveTask, startMoveTask } from "./move-task";
import { peekDeadLetters } from "./peek";
import { findDeadLetterQueue, findQueues } from "./queues";
import type { ScanOptions } from "./scan";
import { redriveSelected } from "./selective";

// The two commands, from parsed arguments to an exit code. Clients and output are passed in, so the tests
// run them in-process against the local SQS server.

export interface CommandDeps {
  sqs: SQSClient;
  cloudFormation?: () => CloudFormationClient;
  print: (line: string) => void;
  pollMs?: number;
  now?: () => number;
  scan?: ScanOptions;
}

export async function runRedrive(args: RedriveArgs, deps: CommandDeps): Promise<number> {
  if (args.mode === "help") {
    deps.print(REDRIVE_USAGE);
    return 0;
  }
  const taskDeps = { sqs: deps.sqs, print: deps.print, pollMs: deps.pollMs, targetFlags: targetFlags(args.target) };
  switch (args.mode) {
    case "move":
      return startMoveTask(await findQueues(args.target, deps), args.rate, taskDeps);
    case "follow":
      return followMoveTask(await findDeadLetterQueue(args.target, deps), taskDeps);
    case "cancel":
      return cancelMoveTask(await findDeadLetterQueue(args.target, deps), taskDeps);
    case "select":
      return redriveSelected(await findQueues(args.target, deps), args.filter, args.dryRun, deps);
  }
}

export async function runDlq(args: DlqArgs, deps: CommandDeps): Promise<number> {
  if (args.command === "help") {
    deps.print(DLQ_USAGE);
    return 0;
  }
  if (args.command === "redrive") return runRedrive(args.redrive, deps);
  return peekDeadLetters(await findDeadLetterQueue(args.target, deps), args.max, deps, args.tenant, args.ids);
}
