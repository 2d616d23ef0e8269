import { describe, expect, it } from "vitest";
import { synthRelay } from "../support/synth";

// Lambda's advanced logging controls: JSON lines everywhere; the ingest function (one invocation per request)
// without Lambda's START/END/REPORT lines, which cost more than its own line for a single-event request.

describe("function logging", () => {
  const { stack, propertiesOf } = synthRelay();
  const logging = (fn: Parameters<typeof propertiesOf>[0]) => propertiesOf(fn).LoggingConfig as Record<string, unknown>;

  it("writes JSON at application level INFO for every function", () => {
    for (const fn of [stack.ingestFunction, stack.authorizerFunction, stack.pipeline.senderFunction, stack.woocommerce.webhookFunction]) {
      expect(logging(fn)).toMatchObject({ LogFormat: "JSON", ApplicationLogLevel: "INFO" });
    }
  });

  it("keeps Lambda's own lines at WARN for the ingest function only", () => {
    expect(logging(stack.ingestFunction)).toMatchObject({ SystemLogLevel: "WARN" });
    for (const fn of [stack.authorizerFunction, stack.pipeline.senderFunction, stack.woocommerce.webhookFunction]) {
      expect(logging(fn)).toMatchObject({ SystemLogLevel: "INFO" });
    }
  });
});
