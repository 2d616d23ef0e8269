import { describe, expect, it } from "vitest";
import { INGEST_REFUSAL_REASONS } from "../../lambdas/contract";
import {
  configuredDestinations,
  destinationDimension,
  eventNameDimension,
  reasonDimension,
  refusalReason,
} from "../../lambdas/core/metric-dimensions";
import { prepareEvent } from "../../lambdas/core/prepare";

// Metric dimension values never come from a caller: field names, pixel codes and custom event names map onto
// fixed lists (the contract), the operator's configuration, or a catch-all.

const NOW = 1_767_225_600;
const options = { nowSeconds: NOW, defaultPhoneCountry: "US", maxEventAgeDays: 7, allowCustomEvents: false };
const firstIssue = (input: unknown) => {
  const result = prepareEvent(input, 0, options);
  if (result.ok) throw new Error("expected a refusal");
  return result.issues[0]!;
};

describe("refusalReason", () => {
  it("counts every unknown field as one reason, whatever its name or depth (as prepareEvent words it)", () => {
    expect(refusalReason(firstIssue({ event: "Lead", zzz_random_1: 1 }))).toBe("unknown_field");
    expect(refusalReason(firstIssue({ event: "Lead", user: { mail: "x" } }))).toBe("unknown_field");
    expect(refusalReason(firstIssue({ event: "Lead", properties: { contents: [{ content_id: "a", sku: 1 }] } }))).toBe("unknown_field");
  });

  it("names the section of an invalid known field, never the field or an index", () => {
    expect(refusalReason(firstIssue({ event: "IntiateCheckout" }))).toBe("invalid:event");
    expect(refusalReason(firstIssue({ event: "Lead", event_time: "yesterday" }))).toBe("invalid:event_time");
    expect(refusalReason(firstIssue({ event: "Lead", user: { email: 5 } }))).toBe("invalid:user");
    expect(refusalReason(firstIssue({ event: "Lead", properties: { value: 3 } }))).toBe("invalid:properties");
    expect(refusalReason({ path: "properties.contents.417.price", message: "expected a number" })).toBe("invalid:properties");
    expect(refusalReason({ path: "(event)", message: "expected an object" })).toBe("invalid:other");
    expect(refusalReason({ path: "x".repeat(300), message: "?" })).toBe("invalid:other");
  });

  it("only ever yields a reason of the contract's list", () => {
    for (const path of ["event", "user.email", "a.b.c", "", "__proto__", "constructor.prototype"]) {
      expect(INGEST_REFUSAL_REASONS).toContain(refusalReason({ path, message: "bad" }));
    }
    expect(reasonDimension("invalid:user")).toBe("invalid:user");
    expect(reasonDimension("invalid:somebody's field")).toBe("other");
  });
});

describe("destination and event name dimensions", () => {
  const configured = configuredDestinations(["C4PIXEL0000000000001", undefined]);

  it("keeps the operator's pixel and counts any other as web:other", () => {
    expect(destinationDimension({ source: "web", id: "C4PIXEL0000000000001" }, configured)).toBe("web:C4PIXEL0000000000001");
    expect(destinationDimension({ source: "web", id: "CALLERCHOSEN000001" }, configured)).toBe("web:other");
    expect(destinationDimension({ source: "web", id: "C4PIXEL0000000000001" }, configuredDestinations([]))).toBe("web:other");
  });

  it("keeps standard event names and counts custom ones as one", () => {
    expect(eventNameDimension("CompletePayment")).toBe("CompletePayment");
    expect(eventNameDimension("my_custom_event_42")).toBe("custom");
  });
});
