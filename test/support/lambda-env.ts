/**
 * What every test of a Lambda entry file sets before importing it: a region, dummy credentials (nothing reaches
 * AWS), SQS at a local endpoint, Powertools' logger quiet; then the variables the stack would give that function.
 */
export function lambdaEnv(sqsEndpoint: string, functionEnv: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    POWERTOOLS_LOG_LEVEL: "SILENT",
    ...functionEnv,
  };
}
