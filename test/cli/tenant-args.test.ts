import { describe, expect, it } from "vitest";
import { parseTenantArgs } from "../../cli/tenant-args";

// `npm run tenants`: every usage mistake is caught before the table is touched.

describe("npm run tenants: the command line", () => {
  it("reads a command, a tenant, where, and the tenant's settings", () => {
    expect(
      parseTenantArgs(["add", "shop-a", "--pixel", "C4AAAAAAAAAA", "--pixel=C4BBBBBBBBBB", "--stack", "Relay", "--phone-country", "gb"]),
    ).toMatchObject({
      command: "add",
      name: "shop-a",
      pixels: ["C4AAAAAAAAAA", "C4BBBBBBBBBB"],
      phoneCountry: "GB",
      target: { stack: "Relay" },
    });
    expect(parseTenantArgs(["list", "--local"])).toMatchObject({ command: "list", target: { local: true } });
  });

  it.each([
    [["add", "Shop A", "--local"], /lower-case/],
    [["remove", "--local"], /say which tenant/],
    [["show", "shop-a"], /say where the tenants are/],
    [["show", "shop-a", "--local", "--stack", "Relay"], /say where the tenants are/],
    [["frobnicate", "shop-a", "--local"], /unknown command/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseTenantArgs(argv)).toThrow(message);
  });
});
