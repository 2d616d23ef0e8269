import type { PreparedEvent, PrepareResult } from "../../lambdas/core/prepare";
import type { EventIssue } from "../../lambdas/core/schema";

/** prepareEvent's result when the test expects the event accepted (not refused, not dropped for consent). */
export function accepted(result: PrepareResult): PreparedEvent {
  if (!result.ok) throw new Error(`expected the event to be accepted, got ${JSON.stringify(result.issues)}`);
  if (result.dropped) throw new Error(`expected the event to be accepted, it was dropped: ${result.dropped}`);
  return result;
}

/** The issues prepareEvent found when the test expects the event refused. */
export function rejected(result: PrepareResult): EventIssue[] {
  if (result.ok) throw new Error(`expected the event to be rejected, got ${JSON.stringify(result)}`);
  return result.issues;
}
