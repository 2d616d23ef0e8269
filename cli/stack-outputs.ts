import { type CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CliError } from "./errors";

// A deployed stack's outputs, read once, with a one-line error when the stack is not there: the DLQ commands
// (cli/queues.ts) and `npm run trace` find the queues and the ledger table through them.

export async function stackOutputs(stack: string, cloudFormation: CloudFormationClient): Promise<Map<string, string>> {
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    return new Map(
      (Stacks[0]?.Outputs ?? []).flatMap((output) =>
        output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [],
      ),
    );
  } catch (error) {
    const { name, message } = error as { name?: string; message?: string };
    if (name !== "ValidationError" || !/does not exist/.test(message ?? "")) throw error;
    const region = await cloudFormation.config.region().catch(() => "the configured region");
    throw new CliError(
      `stack "${stack}" not found in ${region}: check --stack (the name given to cdk deploy, TikTokEventsRelay by default) and AWS_REGION/AWS_PROFILE`,
    );
  }
}
