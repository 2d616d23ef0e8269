import { describe, expect, it } from "vitest";
import { createAuthorizer } from "../../lambdas/authorizer/authorize";
import { deliveryKey } from "../../lambdas/core/delivery-key";
import { ledgerDestinationLabel, webDestination } from "../../lambdas/core/destination";
import { silentLog } from "../../lambdas/core/log";
import { encodeQueuedEvent, parseQueuedEvent } from "../../lambdas/core/queued-event";
import type { TikTokEvent } from "../../lambdas/core/schema";
import { keyHash, ownsDestination, type Tenant, type TenantDirectory, tenantProblem } from "../../lambdas/core/tenant";
import { cachedTenantDirectory } from "../../lambdas/core/tenant-cache";

// The tenant model's rules, the queue message that carries a tenant (and the older ones that do not), the
// authorizer's key → tenant mapping and the cache that bounds how long a change takes.

const event: TikTokEvent = { event: "Purchase", event_time: 1_767_225_600, event_id: "order-1" };
const PIXEL = "C4PIXEL0000000000001";
const shop: Tenant = { name: "shop-a", pixels: [PIXEL], offlineEventSets: ["123"], crmEventSets: [], settings: {} };

describe("a tenant's destinations", () => {
  it("owns its pixels and event sets, by source, and nothing else", () => {
    expect(ownsDestination(shop, { source: "web", id: PIXEL })).toBe(true);
    expect(ownsDestination(shop, { source: "offline", id: "123" })).toBe(true);
    expect(ownsDestination(shop, { source: "crm", id: "123" })).toBe(false);
    expect(ownsDestination(shop, { source: "web", id: "C4PIXEL0000000000002" })).toBe(false);
  });

  it("needs a valid name and at least one destination", () => {
    expect(tenantProblem(shop)).toBeUndefined();
    expect(tenantProblem({ ...shop, name: "Shop A" })).toMatch(/lower-case/);
    expect(tenantProblem({ ...shop, pixels: [], offlineEventSets: [] })).toMatch(/at least one pixel/);
    expect(tenantProblem({ ...shop, pixels: ["nope"] })).toMatch(/not a TikTok pixel code/);
  });
});

describe("the queue message with a tenant", () => {
  it("carries the tenant, and reads messages without one as before", () => {
    const destination = { ...webDestination(PIXEL), tenant: "shop-a" };
    const body = encodeQueuedEvent({ destination, event });
    expect(JSON.parse(body).destination).toEqual({ source: "web", id: PIXEL, tenant: "shop-a" });
    expect(parseQueuedEvent(body)?.destination).toEqual(destination);
    expect(parseQueuedEvent(JSON.stringify({ pixel_code: PIXEL, event }))?.destination).toEqual(webDestination(PIXEL));
    expect(parseQueuedEvent(JSON.stringify({ destination: { source: "web", id: PIXEL }, event }))?.destination.tenant).toBeUndefined();
  });

  it("does not trust a tenant that is not a tenant name", () => {
    expect(parseQueuedEvent(JSON.stringify({ destination: { source: "web", id: PIXEL, tenant: "A B" }, event }))).toBeUndefined();
    expect(parseQueuedEvent(JSON.stringify({ destination: { source: "web", id: PIXEL, tenant: 7 }, event }))).toBeUndefined();
  });

  it("keeps tenants apart in the delivery key and the ledger", () => {
    const a = { ...webDestination(PIXEL), tenant: "shop-a" };
    expect(deliveryKey(a, event)).not.toBe(deliveryKey(webDestination(PIXEL), event));
    expect(ledgerDestinationLabel(a)).toBe(`shop-a/web:${PIXEL}`);
    expect(ledgerDestinationLabel(webDestination(PIXEL))).toBe(`web:${PIXEL}`);
  });
});

describe("the authorizer with tenants", () => {
  const tenants: Pick<TenantDirectory, "tenantOfKey"> = {
    tenantOfKey: async (hash) => (hash === keyHash("tenant-key") ? "shop-a" : undefined),
  };
  const authorize = createAuthorizer({ apiKeys: async () => ["single-key"], tenants, log: silentLog });
  const request = (key: string) => ({
    headers: { Authorization: `Bearer ${key}` },
    methodArn: "arn:aws:execute-api:r:1:api/v1/POST/events",
  });

  it("names a tenant's key's tenant in the context, and the single-shop key's none", async () => {
    expect((await authorize(request("tenant-key"))).context).toMatchObject({ tenant: "shop-a" });
    expect((await authorize(request("single-key"))).context?.tenant).toBeUndefined();
    await expect(authorize(request("other-key"))).rejects.toThrow("Unauthorized");
  });
});

describe("the tenant cache", () => {
  it("answers from memory for its time, then reads again; a failed read is not kept", async () => {
    let reads = 0;
    let fail = false;
    let now = 0;
    const directory = cachedTenantDirectory(
      {
        tenantOfKey: async () => {
          reads++;
          if (fail) throw new Error("down");
          return "shop-a";
        },
        tenant: async () => undefined,
        token: async () => undefined,
        webhookSecrets: async () => [],
      },
      60_000,
      () => now,
    );
    await directory.tenantOfKey("h");
    await directory.tenantOfKey("h");
    expect(reads).toBe(1);
    now = 60_000;
    fail = true;
    await expect(directory.tenantOfKey("h")).rejects.toThrow("down");
    fail = false;
    await expect(directory.tenantOfKey("h")).resolves.toBe("shop-a");
    expect(reads).toBe(3);
  });
});
