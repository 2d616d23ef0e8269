import { BlockList, isIP } from "node:net";

// An IP address that cannot be the shopper's: the shop's own server, a proxy in its network, or no address at
// all. Sent to TikTok, it would make unrelated shoppers look like one visitor; WooCommerce hands over such
// addresses when the shop sits behind a proxy (its REST API documentation's own example order has 127.0.0.1).
// Documentation ranges (203.0.113.0/24, 2001:db8::/32) are not excluded: they are what examples and tests use.

const RANGES: readonly { kind: string; subnets: readonly [string, number, "ipv4" | "ipv6"][] }[] = [
  {
    kind: "an unspecified address",
    subnets: [
      ["0.0.0.0", 8, "ipv4"],
      ["::", 128, "ipv6"],
    ],
  },
  {
    kind: "a loopback address",
    subnets: [
      ["127.0.0.0", 8, "ipv4"],
      ["::1", 128, "ipv6"],
    ],
  },
  {
    // RFC 1918, the carrier-grade NAT space (RFC 6598) and IPv6 unique local addresses: none is routed on the
    // internet, so none reaches a shop as a visitor's address.
    kind: "a private-network address",
    subnets: [
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["100.64.0.0", 10, "ipv4"],
      ["fc00::", 7, "ipv6"],
    ],
  },
  {
    kind: "a link-local address",
    subnets: [
      ["169.254.0.0", 16, "ipv4"],
      ["fe80::", 10, "ipv6"],
    ],
  },
];

// BlockList also matches IPv4-mapped IPv6 forms (::ffff:127.0.0.1) against the IPv4 ranges.
const LISTS = RANGES.map(({ kind, subnets }) => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return { kind, list };
});

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Plain dotted IPv4, the common case, checked with arithmetic: BlockList builds a SocketAddress per call, which
 * cost more than hashing the event's identifiers. Same ranges as RANGES; undefined when not plain IPv4.
 */
function ipv4Kind(ip: string): string | null | undefined {
  const match = DOTTED_QUAD.exec(ip);
  if (!match) return undefined;
  for (let i = 1; i <= 4; i++) {
    const part = match[i]!;
    if (Number(part) > 255 || (part.length > 1 && part.startsWith("0"))) return undefined;
  }
  const a = Number(match[1]);
  const b = Number(match[2]);
  if (a === 0) return RANGES[0]!.kind;
  if (a === 127) return RANGES[1]!.kind;
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127))
    return RANGES[2]!.kind;
  if (a === 169 && b === 254) return RANGES[3]!.kind;
  return null;
}

/** What kind of address `ip` is when it cannot be a shopper's ("a loopback address"), else undefined. */
export function nonShopperAddress(ip: string): string | undefined {
  const quick = ipv4Kind(ip);
  if (quick !== undefined) return quick ?? undefined;
  const family = isIP(ip);
  if (family === 0) return undefined;
  const type = family === 4 ? "ipv4" : "ipv6";
  return LISTS.find(({ list }) => list.check(ip, type))?.kind;
}
