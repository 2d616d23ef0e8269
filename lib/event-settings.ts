import { ENV, INTEGER_SETTINGS } from "../lambdas/contract";
import type { RelayConfig } from "./config";

export type EventSettings = Pick<
  RelayConfig,
  "pixelCode" | "testEventCode" | "defaultPhoneCountry" | "maxEventAgeDays" | "allowCustomEvents"
>;

/**
 * How incoming events are validated and stamped, as the environment of every function that accepts events
 * (ingest and WooCommerce): one place, so both read them alike (lambdas/core/config.ts readIngestConfig).
 */
export function eventSettingsEnvironment(config: EventSettings): Record<string, string> {
  return {
    [ENV.pixelCode]: config.pixelCode,
    ...(config.testEventCode ? { [ENV.testEventCode]: config.testEventCode } : {}),
    [ENV.defaultPhoneCountry]: config.defaultPhoneCountry,
    [INTEGER_SETTINGS.maxEventAgeDays.env]: String(config.maxEventAgeDays),
    [ENV.allowCustomEvents]: String(config.allowCustomEvents),
  };
}
