import { describe, expect, it } from "vitest";
import { isStandardEvent, STANDARD_EVENTS, suggestEventName } from "../../lambdas/core/event-names";

// The list from the reference (tiktok-events-api.md, "Events"), typed out here on purpose.
const REFERENCE_NAMES = [
  "AddPaymentInfo",
  "AddToCart",
  "AddToWishlist",
  "ApplicationApproval",
  "ClickButton",
  "CompletePayment",
  "CompleteRegistration",
  "Contact",
  "CustomizeProduct",
  "Download",
  "FindLocation",
  "InitiateCheckout",
  "Lead",
  "PlaceAnOrder",
  "Purchase",
  "Schedule",
  "Search",
  "StartTrial",
  "SubmitApplication",
  "SubmitForm",
  "Subscribe",
  "ViewContent",
  "Pageview",
];

describe("standard event names", () => {
  it.each(REFERENCE_NAMES)("%s is standard", (name) => {
    expect(isStandardEvent(name)).toBe(true);
  });

  it("the list is exactly the reference list", () => {
    expect([...STANDARD_EVENTS].sort()).toEqual([...REFERENCE_NAMES].sort());
  });

  it("names are exact strings: other cases and misspellings are not standard", () => {
    for (const name of ["purchase", "PURCHASE", "Purchase ", "IntiateCheckout", "PlaceOrder", "PageView", ""]) {
      expect(isStandardEvent(name), name).toBe(false);
    }
  });
});

describe("suggestEventName", () => {
  it.each([
    ["IntiateCheckout", "InitiateCheckout"],
    ["PlaceOrder", "PlaceAnOrder"],
    ["addtocart", "AddToCart"],
    ["Purchse", "Purchase"],
    ["completepayment", "CompletePayment"],
    ["ViewContnet", "ViewContent"],
  ])("%s → %s", (typo, expected) => {
    expect(suggestEventName(typo)).toBe(expected);
  });

  it.each(["Zzzzzzzz", "MyCustomThing", "x"])("%s is too far from any standard name", (name) => {
    expect(suggestEventName(name)).toBeUndefined();
  });
});
