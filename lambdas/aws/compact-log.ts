import { LogFormatter, LogItem } from "@aws-lambda-powertools/logger";
import type { LogAttributes, UnformattedAttributes } from "@aws-lambda-powertools/logger/types";

// A log line without the keys every line of a function repeats. Powertools' default adds service, cold_start,
// function_arn, function_name, function_memory_size, sampling_rate and the trace id to each line (~370 bytes):
// the log group already names the function, and CloudWatch Logs bills every byte, which for a single-event
// POST /events was more than the function's own fields. Kept: level, message, time, the Lambda request id (to
// find one invocation), the trace id when tracing is on, and whatever the handler logs (status, counts, ids).

export class CompactLogFormatter extends LogFormatter {
  public formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const requestId = attributes.lambdaContext?.awsRequestId;
    const traced = process.env._X_AMZN_TRACE_ID?.includes("Sampled=1");
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        ...(requestId ? { requestId } : {}),
        ...(traced && attributes.xRayTraceId ? { traceId: attributes.xRayTraceId } : {}),
      },
    }).addAttributes(additional);
  }
}
