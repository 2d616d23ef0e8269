import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { GetQueueAttributesCommand, ListDeadLetterSourceQueuesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Target } from "./args";
import { CliError, isQueueMissing } from "./errors";
import { stackOutputs } from "./stack-outputs";

// Finds the dead-letter queue and the queue its messages go back to: from the flags, the stack's outputs,
// or SQS's own record of which queue dead-letters into the DLQ.

export interface Queue {
  url: string;
  arn: string;
}

export interface QueuePair {
  dlq: Queue;
  source: Queue;
}

export interface Discovery {
  sqs: SQSClient;
  /** Created only when --stack is used, so a --dlq run needs no CloudFormation access. */
  cloudFormation?: () => CloudFormationClient;
}

const OUTPUTS = { events: "EventsQueueUrl", dlq: "DeadLetterQueueUrl" } as const;

export async function findDeadLetterQueue(target: Target, deps: Discovery): Promise<Queue> {
  const url = target.dlq ?? (await stackOutput(target.stack!, OUTPUTS.dlq, deps));
  return { url, arn: await queueArn(deps.sqs, url, "dead-letter") };
}

export async function findQueues(target: Target, deps: Discovery): Promise<QueuePair> {
  const dlq = await findDeadLetterQueue(target, deps);
  const sourceUrl =
    target.queue ?? (target.stack ? await stackOutput(target.stack, OUTPUTS.events, deps) : await onlySourceOf(dlq.url, deps.sqs));
  return { dlq, source: { url: sourceUrl, arn: await queueArn(deps.sqs, sourceUrl, "source") } };
}

export function queueName(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}

async function queueArn(sqs: SQSClient, url: string, role: "dead-letter" | "source"): Promise<string> {
  try {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
    if (Attributes?.QueueArn) return Attributes.QueueArn;
    throw new CliError(`SQS returned no ARN for ${url}`);
  } catch (error) {
    if (!isQueueMissing(error)) throw error;
    throw new CliError(
      `${role} queue not found: ${url} (check the URL, the region, and for the local pipeline the URL and AWS_ENDPOINT_URL_SQS that npm start prints)`,
    );
  }
}

async function onlySourceOf(dlqUrl: string, sqs: SQSClient): Promise<string> {
  const { queueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
  if (queueUrls.length === 1) return queueUrls[0]!;
  if (queueUrls.length === 0)
    throw new CliError(`no queue uses ${queueName(dlqUrl)} as its dead-letter queue: say where the messages go with --queue <URL>`);
  throw new CliError(
    `${queueUrls.length} queues use ${queueName(dlqUrl)} as their dead-letter queue (${queueUrls.join(", ")}): choose one with --queue <URL>`,
  );
}

async function stackOutput(stack: string, key: string, deps: Discovery): Promise<string> {
  if (!deps.cloudFormation) throw new CliError("--stack needs CloudFormation access, which this run was not given");
  const value = (await stackOutputs(stack, deps.cloudFormation())).get(key);
  if (!value) throw new CliError(`stack "${stack}" has no output ${key}: is it a tiktok-events-relay stack? (or pass --dlq and --queue)`);
  return value;
}
