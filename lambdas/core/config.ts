import { isSupportedCountry } from "libphonenumber-js";
import {
  COUNTRY_CODE,
  DEFAULTS,
  ENV,
  EVENT_SET_ID,
  INTEGER_SETTINGS,
  type IntegerSetting,
  LDU_REGION,
  LEDGER_SCOPES,
  type LedgerScope,
  PIXEL_CODE,
  TIKTOK_EVENTS_URL,
} from "../contract";
import { type LduRegion, parseLduRegion } from "./limited-data-use";

// Runtime settings, read from the environment: in AWS the stack sets them, locally `npm start` does.
// Names, defaults and ranges come from the contract (lambdas/contract); a bad value stops the process with
// the name and the fix.

export { TIKTOK_EVENTS_URL };

export interface IngestConfig {
  pixelCode?: string;
  /** Default event sets of offline and CRM events, as pixelCode is for web events. */
  offlineEventSetId?: string;
  crmEventSetId?: string;
  testEventCode?: string;
  defaultPhoneCountry: string;
  maxEventAgeDays: number;
  offlineMaxEventAgeDays: number;
  crmMaxEventAgeDays: number;
  allowCustomEvents: boolean;
  /** Shoppers' regions whose events get limited_data_use: true (LDU_REGIONS). */
  lduRegions: LduRegion[];
  maxBodyBytes: number;
  /** Browser origins that may read ingest responses (CORS); empty for server-to-server use. */
  corsAllowOrigins: string[];
}

export interface SenderConfig {
  apiUrl: string;
  requestTimeoutMs: number;
  maxEventAgeDays: number;
  offlineMaxEventAgeDays: number;
  crmMaxEventAgeDays: number;
  /** Must equal the queue's redrive maxReceiveCount (the stack sets both from one value). */
  maxReceiveCount: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** Most TikTok requests in one invocation; the rest waits for a later receive. */
  maxRequests: number;
  /** TikTok requests in flight at once while refused events are isolated. */
  parallelRequests: number;
}

/** The delivery ledger's settings, for the functions that read or write it. */
export interface LedgerConfig {
  scope: LedgerScope;
  retentionDays: number;
}

/** Receives before a message goes to the DLQ: with the retry backoff, about 75 minutes of TikTok outage. */
export const DEFAULT_MAX_RECEIVE_COUNT = INTEGER_SETTINGS.maxReceiveCount.default;

type Env = Record<string, string | undefined>;

export function readIngestConfig(env: Env): IngestConfig {
  const pixelCode = optional(env, ENV.pixelCode);
  if (pixelCode !== undefined && !PIXEL_CODE.test(pixelCode)) {
    throw new ConfigError(ENV.pixelCode, pixelCode, "a TikTok pixel code (10 to 32 letters and digits, from Events Manager)");
  }
  const countryRaw = optional(env, ENV.defaultPhoneCountry) ?? DEFAULTS.defaultPhoneCountry;
  const country = countryRaw.toUpperCase();
  if (!COUNTRY_CODE.test(country) || !isSupportedCountry(country)) {
    throw new ConfigError(ENV.defaultPhoneCountry, countryRaw, "an ISO 3166 two-letter country code, e.g. US, GB, DE");
  }
  const eventSet = (name: string): string | undefined => {
    const id = optional(env, name);
    if (id !== undefined && !EVENT_SET_ID.test(id))
      throw new ConfigError(name, id, "a TikTok event set id (letters and digits, from Events Manager)");
    return id;
  };
  return {
    pixelCode,
    offlineEventSetId: eventSet(ENV.offlineEventSetId),
    crmEventSetId: eventSet(ENV.crmEventSetId),
    testEventCode: optional(env, ENV.testEventCode),
    defaultPhoneCountry: country,
    maxEventAgeDays: setting(env, INTEGER_SETTINGS.maxEventAgeDays),
    offlineMaxEventAgeDays: setting(env, INTEGER_SETTINGS.offlineMaxEventAgeDays),
    crmMaxEventAgeDays: setting(env, INTEGER_SETTINGS.crmMaxEventAgeDays),
    allowCustomEvents: boolean(env, ENV.allowCustomEvents, DEFAULTS.allowCustomEvents),
    lduRegions: lduRegions(env),
    maxBodyBytes: setting(env, INTEGER_SETTINGS.maxBodyBytes),
    corsAllowOrigins: (optional(env, ENV.corsAllowOrigins) ?? "")
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}

export function readSenderConfig(env: Env): SenderConfig {
  const apiUrl = optional(env, ENV.tiktokApiUrl) ?? DEFAULTS.tiktokApiUrl;
  if (!/^https?:\/\/[^\s]+$/.test(apiUrl)) throw new ConfigError(ENV.tiktokApiUrl, apiUrl, "an http(s) URL");
  const retryBaseSeconds = setting(env, INTEGER_SETTINGS.retryBaseSeconds);
  const retryMax = INTEGER_SETTINGS.retryMaxSeconds;
  return {
    apiUrl,
    requestTimeoutMs: setting(env, INTEGER_SETTINGS.requestTimeoutMs),
    maxEventAgeDays: setting(env, INTEGER_SETTINGS.maxEventAgeDays),
    offlineMaxEventAgeDays: setting(env, INTEGER_SETTINGS.offlineMaxEventAgeDays),
    crmMaxEventAgeDays: setting(env, INTEGER_SETTINGS.crmMaxEventAgeDays),
    maxReceiveCount: setting(env, INTEGER_SETTINGS.maxReceiveCount),
    retryBaseSeconds,
    // Never below the base delay.
    retryMaxSeconds: integer(env, retryMax.env, Math.max(retryMax.default, retryBaseSeconds), retryBaseSeconds, retryMax.max),
    maxRequests: setting(env, INTEGER_SETTINGS.senderMaxRequests),
    parallelRequests: setting(env, INTEGER_SETTINGS.senderParallelRequests),
  };
}

export function readLedgerConfig(env: Env): LedgerConfig {
  const scope = optional(env, ENV.ledgerScope) ?? DEFAULTS.ledgerScope;
  if (!(LEDGER_SCOPES as readonly string[]).includes(scope)) throw new ConfigError(ENV.ledgerScope, scope, LEDGER_SCOPES.join(", "));
  return { scope: scope as LedgerScope, retentionDays: setting(env, INTEGER_SETTINGS.ledgerDays) };
}

/** LDU_REGIONS: "US-CA, US-CO" → regions; each entry an ISO 3166-2 subdivision or a whole country. */
function lduRegions(env: Env): LduRegion[] {
  const raw = optional(env, ENV.lduRegions);
  if (raw === undefined) return [...DEFAULTS.lduRegions].map(parseLduRegion);
  const entries = raw
    .split(",")
    .map((entry) => entry.trim().toUpperCase())
    .filter(Boolean);
  const bad = entries.find((entry) => !LDU_REGION.test(entry));
  if (bad !== undefined) {
    throw new ConfigError(ENV.lduRegions, raw, `comma-separated regions such as US-CA,US-CO (or a whole country: US); "${bad}" is not one`);
  }
  return entries.map(parseLduRegion);
}

/** A contract setting from the environment: its name, default and range. */
export function setting(env: Env, spec: IntegerSetting): number {
  return integer(env, spec.env, spec.default, spec.min, spec.max);
}

export class ConfigError extends Error {
  constructor(name: string, value: string, expected: string) {
    super(`${name} is "${value}": expected ${expected}`);
    this.name = "ConfigError";
  }
}

export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, raw, `a whole number from ${min} to ${max}`);
  }
  return value;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (/^(true|1)$/i.test(raw)) return true;
  if (/^(false|0)$/i.test(raw)) return false;
  throw new ConfigError(name, raw, "true or false");
}
