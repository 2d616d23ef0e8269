import type { TenantDirectory } from "../core/tenant";
import type { TokenSource } from "./deliver";

// The sender's tokens: the single-shop relay's for events without a tenant, each tenant's own for its events.
// A tenant without a token (or removed) throws: its events wait as "token_unavailable", nobody else's do.

export function tenantTokens(single: TokenSource, tenants: Pick<TenantDirectory, "token"> | undefined): TokenSource {
  const tenantToken = async (tenant: string) => {
    const token = tenants ? await tenants.token(tenant) : undefined;
    if (!token) throw new Error(`tenant ${tenant} has no TikTok access token on this relay: npm run tenants -- set-token ${tenant}`);
    return token;
  };
  return {
    get: (tenant) => (tenant === undefined ? single.get() : tenantToken(tenant)),
    // Through the same short cache (TENANT_CACHE_SECONDS): a token set after an auth error is used within it.
    refresh: (tenant) => (tenant === undefined ? single.refresh() : tenantToken(tenant)),
  };
}
