import { isSupportedCountry } from "libphonenumber-js";
import { PIXEL_CODE } from "./pixel-code";

// Runtime settings, read from the environment: in AWS the stack sets them, locally `npm start` does.
// One name and one default each; a bad value stops the process with the name and the fix.

export const TIKTOK_EVENTS_URL = "https://business-api.tiktok.com/open_api/v1.3/event/track/";

export interface IngestConfig {
  pixelCode?: string;
  testEventCode?: string;
  defaultPhoneCountry: string;
  maxEventAgeDays: number;
  allowCustomEvents: boolean;
  maxBodyBytes: number;
  /** Browser origins that may read ingest responses (CORS); empty for server-to-server use. */
  corsAllowOrigins: string[];
}

export interface SenderConfig {
  apiUrl: string;
  requestTimeoutMs: number;
  maxEventAgeDays: number;
  /** Must equal the queue's redrive maxReceiveCount (the stack sets both from one value). */
  maxReceiveCount: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
}

/** Receives before a message goes to the DLQ: with the retry backoff, about 75 minutes of TikTok outage. */
export const DEFAULT_MAX_RECEIVE_COUNT = 10;

type Env = Record<string, string | undefined>;

export function readIngestConfig(env: Env): IngestConfig {
  const pixelCode = optional(env, "TIKTOK_PIXEL_CODE");
  if (pixelCode !== undefined && !PIXEL_CODE.test(pixelCode)) {
    throw new ConfigError("TIKTOK_PIXEL_CODE", pixelCode, "a TikTok pixel code (10 to 32 letters and digits, from Events Manager)");
  }
  const countryRaw = optional(env, "DEFAULT_PHONE_COUNTRY") ?? "US";
  const country = countryRaw.toUpperCase();
  if (!/^[A-Z]{2}$/.test(country) || !isSupportedCountry(country)) {
    throw new ConfigError("DEFAULT_PHONE_COUNTRY", countryRaw, "an ISO 3166 two-letter country code, e.g. US, GB, DE");
  }
  return {
    pixelCode,
    testEventCode: optional(env, "TIKTOK_TEST_EVENT_CODE"),
    defaultPhoneCountry: country,
    maxEventAgeDays: maxEventAgeDays(env),
    allowCustomEvents: boolean(env, "ALLOW_CUSTOM_EVENTS", false),
    maxBodyBytes: integer(env, "MAX_BODY_BYTES", 5 * 1024 * 1024, 1024, 6 * 1024 * 1024),
    corsAllowOrigins: (optional(env, "CORS_ALLOW_ORIGINS") ?? "").split(",").map((origin) => origin.trim()).filter(Boolean),
  };
}

export function readSenderConfig(env: Env): SenderConfig {
  const apiUrl = optional(env, "TIKTOK_API_URL") ?? TIKTOK_EVENTS_URL;
  if (!/^https?:\/\/[^\s]+$/.test(apiUrl)) throw new ConfigError("TIKTOK_API_URL", apiUrl, "an http(s) URL");
  const retryBaseSeconds = integer(env, "RETRY_BASE_SECONDS", 30, 1, 43_200);
  return {
    apiUrl,
    requestTimeoutMs: integer(env, "TIKTOK_REQUEST_TIMEOUT_MS", 10_000, 100, 300_000),
    maxEventAgeDays: maxEventAgeDays(env),
    maxReceiveCount: integer(env, "MAX_RECEIVE_COUNT", DEFAULT_MAX_RECEIVE_COUNT, 1, 1000),
    retryBaseSeconds,
    // SQS caps a message's visibility timeout at 12 hours.
    retryMaxSeconds: integer(env, "RETRY_MAX_SECONDS", Math.max(900, retryBaseSeconds), retryBaseSeconds, 43_200),
  };
}

function maxEventAgeDays(env: Env): number {
  return integer(env, "MAX_EVENT_AGE_DAYS", 7, 1, 90);
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
