import { describe, expect, it } from "vitest";
import { inLduRegion, parseLduRegion } from "../../lambdas/core/limited-data-use";

const regions = ["US-CA", "US-CO", "BR"].map(parseLduRegion);

describe("inLduRegion", () => {
  it("reads a region as a country and an optional subdivision", () => {
    expect(regions).toEqual([{ country: "US", state: "CA" }, { country: "US", state: "CO" }, { country: "BR" }]);
  });

  it.each([
    [{ country: "US", state: "CA" }, true],
    [{ country: "us", state: "ca" }, true],
    [{ country: "US", state: " California " }, true],
    [{ country: "US", state: "US-CO" }, true],
    [{ country: "US", state: "NY" }, false],
    [{ country: "US" }, false],
    // A whole country listed: every state of it, and no state at all.
    [{ country: "BR", state: "SP" }, true],
    [{ country: "BR" }, true],
    // CA is also Canada's code: a country that differs decides.
    [{ country: "CA", state: "ON" }, false],
    [{ country: "CA", state: "CA" }, false],
  ])("%j → %s", (user, expected) => {
    expect(inLduRegion(user, regions)).toBe(expected);
  });

  it("without a country, a state that matches any region counts (flagging too much is the safe side)", () => {
    expect(inLduRegion({ state: "CA" }, regions)).toBe(true);
    expect(inLduRegion({ state: "Colorado" }, regions)).toBe(true);
    expect(inLduRegion({ state: "TX" }, regions)).toBe(false);
  });

  it("no user, no regions, or neither state nor country: never", () => {
    expect(inLduRegion(undefined, regions)).toBe(false);
    expect(inLduRegion({ country: "US", state: "CA" }, [])).toBe(false);
    expect(inLduRegion({}, regions)).toBe(false);
  });
});
