import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";

// The SQS client of the functions (the sender's too: its time budget must hold). Without a request
// timeout a hung SQS call runs until the function's own timeout, and the caller gets a bare 5xx after some of
// its batches were queued, instead of the 503 that lists what was and was not queued.

/** Time to open a connection to SQS; a healthy one takes milliseconds. */
export const SQS_CONNECTION_TIMEOUT_MS = 1000;
/** Time for one SQS call's answer (a SendMessageBatch of up to 256 KiB usually takes tens of ms). */
export const SQS_REQUEST_TIMEOUT_MS = 2000;

export function timedSqsClient(config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({
    ...config,
    requestHandler: {
      connectionTimeout: SQS_CONNECTION_TIMEOUT_MS,
      requestTimeout: SQS_REQUEST_TIMEOUT_MS,
      // @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes, unless told to throw.
      throwOnRequestTimeout: true,
    },
  });
}
