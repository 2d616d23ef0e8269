import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { deliverMessages, type DeliveryDeps } from "./deliver";

// SQS batch → TikTok requests → a batch-item failure for every message not delivered, so SQS redelivers
// it (and, past maxReceiveCount, moves it to the DLQ).

export class NotDeliveredError extends Error {
  override name = "NotDeliveredError";
}

export function createSenderHandler(deps: DeliveryDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const outcomes = await deliverMessages(
      event.Records.map((record) => ({ id: record.messageId, body: record.body })),
      deps,
    );
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const outcome = outcomes.get(record.messageId);
        if (!outcome?.delivered) throw new NotDeliveredError(outcome?.reason ?? "not delivered");
      },
      processor,
      // A batch where nothing was delivered is a normal outcome during a TikTok outage, not a crash.
      { context: context as Context, throwOnFullBatchFailure: false },
    );
  };
}
