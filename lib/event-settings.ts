import { ENV, INTEGER_SETTINGS } from "../lambdas/contract";
import type { RelayConfig } from "./config";

export type EventSettings = Pick<
  RelayConfig,
  | "pixelCode"
  | "offlineEventSetId"
  | "crmEventSetId"
  | "testEventCode"
  | "defaultPhoneCountry"
  | "maxEventAgeDays"
  | "offlineMaxEventAgeDays"
  | "crmMaxEventAgeDays"
  | "lduRegions"
  | "allowCustomEvents"
>;

/**
 * How incoming events are validated and stamped, as the environment of every function that accepts events
 * (ingest and WooCommerce): one place, so both read them alike (lambdas/core/config.ts readIngestConfig).
 */
export function eventSettingsEnvironment(config: EventSettings): Record<string, string> {
  return {
    [ENV.pixelCode]: config.pixelCode,
    ...(config.offlineEventSetId ? { [ENV.offlineEventSetId]: config.offlineEventSetId } : {}),
    ...(config.crmEventSetId ? { [ENV.crmEventSetId]: config.crmEventSetId } : {}),
    ...(config.testEventCode ? { [ENV.testEventCode]: config.testEventCode } : {}),
    [ENV.defaultPhoneCountry]: config.defaultPhoneCountry,
    [INTEGER_SETTINGS.maxEventAgeDays.env]: String(config.maxEventAgeDays),
    [INTEGER_SETTINGS.offlineMaxEventAgeDays.env]: String(config.offlineMaxEventAgeDays),
    [INTEGER_SETTINGS.crmMaxEventAgeDays.env]: String(config.crmMaxEventAgeDays),
    ...(config.lduRegions.length > 0 ? { [ENV.lduRegions]: config.lduRegions.join(",") } : {}),
    [ENV.allowCustomEvents]: String(config.allowCustomEvents),
  };
}
