import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";

// How the DLQ commands reach SQS: the SDK's own configuration (profile, AWS_REGION, AWS_ENDPOINT_URL_SQS),
// plus what it takes for the local pipeline to work with no AWS setup at all.

export type Env = Record<string, string | undefined>;

const LOCAL_REGION = "us-east-1";

export function createClients(env: Env, dlqUrl: string | undefined): { sqs: SQSClient; cloudFormation: () => CloudFormationClient } {
  return { sqs: new SQSClient(sqsClientConfig(env, dlqUrl)), cloudFormation: () => new CloudFormationClient({}) };
}

export function sqsClientConfig(env: Env, queueUrl?: string): SQSClientConfig {
  const configured = env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL || undefined;
  // The SDK honours AWS_ENDPOINT_URL_SQS itself. Without it, a loopback queue URL (the local pipeline's)
  // still needs an explicit endpoint: move tasks are addressed by ARN, not URL, and would go to AWS.
  const endpoint = configured ? undefined : loopbackOrigin(queueUrl);
  const config: SQSClientConfig = endpoint ? { endpoint } : {};
  if (isLoopback(configured) || endpoint) {
    // The embedded SQS server checks neither signatures nor regions, so a first try against `npm start`
    // needs no AWS account; credentials or a region the user did configure still take precedence.
    if (!env.AWS_REGION && !env.AWS_DEFAULT_REGION && !env.AWS_PROFILE) config.region = LOCAL_REGION;
    if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) config.credentials = { accessKeyId: "local", secretAccessKey: "local" };
  }
  return config;
}

function loopbackOrigin(url: string | undefined): string | undefined {
  return isLoopback(url) ? new URL(url!).origin : undefined;
}

export function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}
