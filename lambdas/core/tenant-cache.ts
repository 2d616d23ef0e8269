import type { Tenant, TenantDirectory } from "./tenant";

// What a function read about tenants, kept for a short time: the authorizer, ingest, sender and webhook would
// otherwise read the table on every request. A change (a new key, a revoked one, a new token) takes effect
// within `ttlMs` (TENANT_CACHE_SECONDS, at most 60 s). A failed read is not cached.

const MAX_ENTRIES = 10_000;

export function cachedTenantDirectory(directory: TenantDirectory, ttlMs: number, now: () => number = Date.now): TenantDirectory {
  const caches = new Map<string, Map<string, { at: number; value: Promise<unknown> }>>();
  function cached<T>(kind: string, id: string, read: () => Promise<T>): Promise<T> {
    if (ttlMs <= 0) return read();
    const cache = caches.get(kind) ?? new Map<string, { at: number; value: Promise<unknown> }>();
    caches.set(kind, cache);
    const hit = cache.get(id);
    if (hit && now() - hit.at < ttlMs) return hit.value as Promise<T>;
    // Unknown keys and tenant names are cached too (a caller may try many): the cache stays bounded.
    if (cache.size >= MAX_ENTRIES) cache.clear();
    const value = read();
    const entry = { at: now(), value };
    cache.set(id, entry);
    value.catch(() => {
      if (cache.get(id) === entry) cache.delete(id);
    });
    return value;
  }
  return {
    tenantOfKey: (hash) => cached("key", hash, () => directory.tenantOfKey(hash)),
    tenant: (name) => cached<Tenant | undefined>("tenant", name, () => directory.tenant(name)),
    token: (name) => cached("token", name, () => directory.token(name)),
    webhookSecrets: (name) => cached("webhook", name, () => directory.webhookSecrets(name)),
  };
}
