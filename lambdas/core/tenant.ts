import { createHash } from "node:crypto";
import { EVENT_SET_ID, PIXEL_CODE, TENANT_NAME } from "../contract";
import type { IngestConfig } from "./config";
import type { Destination, EventSource } from "./destination";
import type { LduRegion } from "./limited-data-use";

// A tenant: one shop served by an agency's relay, with its own keys, pixels, event sets, TikTok token and
// WooCommerce webhook secret. This file is the model and the port the handlers need (TenantDirectory); the
// DynamoDB adapter is lambdas/aws/dynamodb-tenants.ts. Keys are never stored, only their SHA-256.

export { TENANT_NAME };

export interface TenantSettings {
  /** Phone numbers without a country code are read in this country (else the relay's DEFAULT_PHONE_COUNTRY). */
  defaultPhoneCountry?: string;
  /** Accept event names outside TikTok's standard list (else the relay's ALLOW_CUSTOM_EVENTS). */
  allowCustomEvents?: boolean;
  /** Shoppers' regions whose events get limited_data_use (else the relay's LDU_REGIONS). */
  lduRegions?: string[];
}

export interface Tenant {
  name: string;
  /** The tenant's web pixels; the first is the default of events that name none. */
  pixels: string[];
  /** Offline and CRM event sets the tenant may send to; the first of each is its default. */
  offlineEventSets: string[];
  crmEventSets: string[];
  /** Events Manager → Test events: every event of the tenant carries it while set. */
  testEventCode?: string;
  settings: TenantSettings;
}

/** What the handlers read about tenants: each call may be served from a cache (tenant-cache.ts). */
export interface TenantDirectory {
  /** The tenant a presented key belongs to, by the key's SHA-256 (hex); undefined for an unknown key. */
  tenantOfKey(keyHash: string): Promise<string | undefined>;
  tenant(name: string): Promise<Tenant | undefined>;
  /** The tenant's TikTok access token; undefined when none was set. */
  token(name: string): Promise<string | undefined>;
  /** The tenant's WooCommerce webhook secrets (several during a rotation). */
  webhookSecrets(name: string): Promise<string[]>;
}

/** How a key is stored and looked up: its SHA-256, hex. The key itself is shown once, when created. */
export function keyHash(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The relay's ingest settings as they apply to one tenant's events: its defaults and its event settings. */
export function tenantIngestConfig(base: IngestConfig, tenant: Tenant, parseRegion: (region: string) => LduRegion): IngestConfig {
  return {
    ...base,
    pixelCode: tenant.pixels[0],
    offlineEventSetId: tenant.offlineEventSets[0],
    crmEventSetId: tenant.crmEventSets[0],
    testEventCode: tenant.testEventCode,
    defaultPhoneCountry: tenant.settings.defaultPhoneCountry ?? base.defaultPhoneCountry,
    allowCustomEvents: tenant.settings.allowCustomEvents ?? base.allowCustomEvents,
    lduRegions: tenant.settings.lduRegions ? tenant.settings.lduRegions.map(parseRegion) : base.lduRegions,
  };
}

/** The ids a tenant's events may go to, by source. */
export function tenantDestinations(tenant: Tenant): Record<EventSource, readonly string[]> {
  return { web: tenant.pixels, offline: tenant.offlineEventSets, crm: tenant.crmEventSets };
}

/** Whether a destination is one of the tenant's own: the isolation rule of POST /events. */
export function ownsDestination(tenant: Tenant, destination: Pick<Destination, "source" | "id">): boolean {
  return tenantDestinations(tenant)[destination.source].includes(destination.id);
}

/** Why a tenant record cannot be stored as it is, or undefined: the CLI checks before writing. */
export function tenantProblem(tenant: Tenant): string | undefined {
  if (!TENANT_NAME.test(tenant.name)) return `tenant name "${tenant.name}" must be 1 to 32 lower-case letters, digits and dashes`;
  if (tenant.pixels.length === 0 && tenant.offlineEventSets.length === 0 && tenant.crmEventSets.length === 0)
    return "a tenant needs at least one pixel (--pixel) or event set (--offline-event-set, --crm-event-set)";
  const badPixel = tenant.pixels.find((pixel) => !PIXEL_CODE.test(pixel));
  if (badPixel !== undefined) return `pixel "${badPixel}" is not a TikTok pixel code (10 to 32 letters and digits)`;
  const badSet = [...tenant.offlineEventSets, ...tenant.crmEventSets].find((id) => !EVENT_SET_ID.test(id));
  if (badSet !== undefined) return `event set "${badSet}" is not a TikTok event set id (letters and digits)`;
  return undefined;
}
