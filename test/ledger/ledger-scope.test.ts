import { describe, expect, it } from "vitest";
import { STANDARD_EVENTS } from "../../lambdas/core/event-names";
import { CONVERSION_EVENTS, deliveryKeyString, inLedgerScope } from "../../lambdas/core/ledger";

// Which events the ledger covers, and the key string every ledger indexes its answers by.

describe("ledger scope", () => {
  it("conversions: the events that carry a value or count as results, all standard TikTok names", () => {
    expect([...CONVERSION_EVENTS].sort()).toEqual([
      "ApplicationApproval",
      "CompletePayment",
      "CompleteRegistration",
      "Lead",
      "PlaceAnOrder",
      "Purchase",
      "StartTrial",
      "SubmitApplication",
      "SubmitForm",
      "Subscribe",
    ]);
    for (const name of CONVERSION_EVENTS) expect(STANDARD_EVENTS).toContain(name);
    expect(inLedgerScope("conversions", "Purchase")).toBe(true);
    expect(inLedgerScope("conversions", "ViewContent")).toBe(false);
    expect(inLedgerScope("conversions", "purchase")).toBe(false);
  });

  it("all covers every name, custom ones too; off covers none", () => {
    expect(inLedgerScope("all", "ViewContent")).toBe(true);
    expect(inLedgerScope("all", "MyCustomEvent")).toBe(true);
    expect(inLedgerScope("off", "Purchase")).toBe(false);
  });
});

describe("deliveryKeyString", () => {
  it("is the same for equal keys and differs whenever any part differs, whatever separators the parts hold", () => {
    const key = { destination: "web:C4PIXEL0000000000001", event: "Purchase", eventId: "ord-1" };
    expect(deliveryKeyString({ ...key })).toBe(deliveryKeyString(key));
    const lookalikes = [
      { destination: "web:C4PIXEL0000000000001", event: "Purchase#ord-1", eventId: "" },
      { destination: "web:C4PIXEL0000000000001#Purchase", event: "", eventId: "ord-1" },
      { destination: "web:C4PIXEL0000000000001", event: 'Purchase","ord-1', eventId: "" },
      { ...key, eventId: "ord-1 " },
    ];
    for (const other of lookalikes) expect(deliveryKeyString(other)).not.toBe(deliveryKeyString(key));
  });
});
