// Errors a user of the DLQ commands can meet, each reduced to one line that says what to do, and the guard
// that turns them into exit codes (1: the operation failed, 2: the command line was wrong).

export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, 2);
  }
}

interface AwsLikeError {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
}

const asAws = (error: unknown): AwsLikeError => (typeof error === "object" && error !== null ? (error as AwsLikeError) : {});

/** The SDK names it QueueDoesNotExist; the query protocol (and older servers) send the legacy code. */
export function isQueueMissing(error: unknown): boolean {
  const { name, Code } = asAws(error);
  return (
    name === "QueueDoesNotExist" || name === "AWS.SimpleQueueService.NonExistentQueue" || Code === "AWS.SimpleQueueService.NonExistentQueue"
  );
}

export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  const { name = "Error", message = String(error), code } = asAws(error);
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(message)) {
    return (
      "no AWS credentials found: run `aws configure` or set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); " +
      "for the local pipeline set AWS_ENDPOINT_URL_SQS=<the SQS endpoint npm start prints> instead"
    );
  }
  if (/region is missing/i.test(message)) {
    return "no AWS region configured: set AWS_REGION (e.g. AWS_REGION=eu-west-1) or a region in your AWS profile";
  }
  if (code === "ECONNREFUSED" || /ECONNREFUSED/.test(message)) {
    return `cannot reach SQS (${message}): if you meant the local pipeline, is npm start running and AWS_ENDPOINT_URL_SQS its printed endpoint?`;
  }
  return `${name}: ${message}`;
}

/** Runs a command and returns its exit code; whatever it throws becomes one line on `printError`. */
export async function guarded(run: () => Promise<number>, printError: (line: string) => void): Promise<number> {
  try {
    return await run();
  } catch (error) {
    printError(`error: ${describeError(error)}${error instanceof UsageError ? " (see --help)" : ""}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
