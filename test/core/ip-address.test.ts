import { describe, expect, it } from "vitest";
import { nonShopperAddress } from "../../lambdas/core/ip-address";

// Addresses that cannot be a shopper's, by kind; everything routable (documentation ranges included) is kept.

describe("nonShopperAddress", () => {
  it.each([
    ["0.0.0.0", "an unspecified address"],
    ["::", "an unspecified address"],
    ["127.0.0.1", "a loopback address"],
    ["127.8.9.10", "a loopback address"],
    ["::1", "a loopback address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["10.0.0.1", "a private-network address"],
    ["172.16.5.4", "a private-network address"],
    ["172.31.255.255", "a private-network address"],
    ["192.168.1.20", "a private-network address"],
    ["100.64.0.1", "a private-network address"],
    ["fd12:3456:789a::1", "a private-network address"],
    ["::ffff:192.168.0.1", "a private-network address"],
    ["169.254.169.254", "a link-local address"],
    ["fe80::1", "a link-local address"],
    ["fe80::1%eth0", "a link-local address"],
  ])("%s is %s", (ip, kind) => {
    expect(nonShopperAddress(ip)).toBe(kind);
  });

  it.each(["203.0.113.9", "198.51.100.7", "8.8.8.8", "172.32.0.1", "172.15.255.255", "2001:db8::1", "2a00:1450:4001:81b::200e"])(
    "%s can be a shopper's",
    (ip) => {
      expect(nonShopperAddress(ip)).toBeUndefined();
    },
  );

  it("says nothing of what is not an address (the caller reports that)", () => {
    expect(nonShopperAddress("localhost")).toBeUndefined();
  });
});
