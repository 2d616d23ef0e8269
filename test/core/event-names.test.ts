import { describe, expect, it } from "vitest";
import { CURRENT_EVENTS, deprecationWarning, isStandardEvent, STANDARD_EVENTS, suggestEventName } from "../../lambdas/core/event-names";

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

describe("TikTok's current names and the deprecated ones (May 2025)", () => {
  it("the current list is TikTok's, typed out from its help page (with Pageview, which TikTok's own tag sends)", () => {
    expect([...CURRENT_EVENTS].sort()).toEqual(
      [
        "AddPaymentInfo",
        "AddToCart",
        "AddToWishlist",
        "ApplicationApproval",
        "CompleteRegistration",
        "Contact",
        "CustomizeProduct",
        "Download",
        "FindLocation",
        "InitiateCheckout",
        "Lead",
        "Pageview",
        "Purchase",
        "Schedule",
        "Search",
        "StartTrial",
        "SubmitApplication",
        "Subscribe",
        "ViewContent",
      ].sort(),
    );
  });

  it.each([
    ["CompletePayment", "Purchase"],
    ["SubmitForm", "Lead"],
    ["PlaceAnOrder", "Purchase"],
  ])("%s is still standard, with a warning naming %s", (name, replacement) => {
    expect(isStandardEvent(name)).toBe(true);
    const warning = deprecationWarning(name);
    expect(warning).toContain(`use "${replacement}" instead`);
    expect(warning).toContain(`still accepted and sent as "${name}"`);
    expect(warning).toContain("TikTok deduplicates only events with the same name");
  });

  it("ClickButton has no one replacement: the warning says to pick the event that describes the action", () => {
    expect(deprecationWarning("ClickButton")).toBe(
      '"ClickButton" is soft-deprecated by TikTok in May 2025, sunset in 2027; it is still accepted and sent as "ClickButton". ' +
        "For new setups use the standard event that describes the action (e.g. Contact, Lead) instead, in the browser pixel and " +
        "the server together: TikTok deduplicates only events with the same name",
    );
  });

  it.each([...CURRENT_EVENTS, "toString", "constructor", "MyCustomEvent"])("%s has no deprecation warning", (name) => {
    expect(deprecationWarning(name)).toBeUndefined();
  });
});
