import type { RelayConfig } from "./config";

export type EventSettings = Pick<RelayConfig, "pixelCode" | "testEventCode" | "defaultPhoneCountry" | "maxEventAgeDays" | "allowCustomEvents">;

/**
 * How incoming events are validated and stamped, as the environment of every function that accepts events
 * (ingest and WooCommerce): one place, so both read them alike (lambdas/core/config.ts readIngestConfig).
 */
export function eventSettingsEnvironment(config: EventSettings): Record<string, string> {
  return {
    TIKTOK_PIXEL_CODE: config.pixelCode,
    ...(config.testEventCode ? { TIKTOK_TEST_EVENT_CODE: config.testEventCode } : {}),
    DEFAULT_PHONE_COUNTRY: config.defaultPhoneCountry,
    MAX_EVENT_AGE_DAYS: String(config.maxEventAgeDays),
    ALLOW_CUSTOM_EVENTS: String(config.allowCustomEvents),
  };
}
