import { describe, expect, it } from "vitest";
import { ConfigError, readIngestConfig, readSenderConfig, TIKTOK_EVENTS_URL } from "../../lambdas/core/config";

function configError(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("readIngestConfig", () => {
  it("defaults", () => {
    expect(readIngestConfig({})).toEqual({
      pixelCode: undefined,
      offlineEventSetId: undefined,
      crmEventSetId: undefined,
      testEventCode: undefined,
      defaultPhoneCountry: "US",
      maxEventAgeDays: 7,
      offlineMaxEventAgeDays: 28,
      crmMaxEventAgeDays: 28,
      allowCustomEvents: false,
      lduRegions: [],
      // The largest body that fits Lambda once API Gateway has escaped it (lambdas/contract/settings.ts).
      maxBodyBytes: 3_080_192,
      corsAllowOrigins: [],
    });
  });

  it("blank values count as unset", () => {
    const config = readIngestConfig({
      TIKTOK_PIXEL_CODE: "  ",
      MAX_EVENT_AGE_DAYS: "",
      ALLOW_CUSTOM_EVENTS: " ",
      DEFAULT_PHONE_COUNTRY: "",
    });
    expect(config.pixelCode).toBeUndefined();
    expect(config.maxEventAgeDays).toBe(7);
    expect(config.allowCustomEvents).toBe(false);
    expect(config.defaultPhoneCountry).toBe("US");
  });

  it("reads valid values, trimmed", () => {
    expect(
      readIngestConfig({
        TIKTOK_PIXEL_CODE: " C4ABCDEFGHIJ12345678 ",
        TIKTOK_TEST_EVENT_CODE: "TEST123",
        OFFLINE_EVENT_SET_ID: " 7301234567890123456 ",
        CRM_EVENT_SET_ID: "7309876543210987654",
        DEFAULT_PHONE_COUNTRY: " gb ",
        MAX_EVENT_AGE_DAYS: "30",
        OFFLINE_MAX_EVENT_AGE_DAYS: "60",
        CRM_MAX_EVENT_AGE_DAYS: "14",
        ALLOW_CUSTOM_EVENTS: "TRUE",
        LDU_REGIONS: " us-ca, US-CO ,US ",
        MAX_BODY_BYTES: "1024",
        CORS_ALLOW_ORIGINS: " https://shop.example , https://www.shop.example",
      }),
    ).toEqual({
      pixelCode: "C4ABCDEFGHIJ12345678",
      offlineEventSetId: "7301234567890123456",
      crmEventSetId: "7309876543210987654",
      testEventCode: "TEST123",
      defaultPhoneCountry: "GB",
      maxEventAgeDays: 30,
      offlineMaxEventAgeDays: 60,
      crmMaxEventAgeDays: 14,
      allowCustomEvents: true,
      lduRegions: [{ country: "US", state: "CA" }, { country: "US", state: "CO" }, { country: "US" }],
      maxBodyBytes: 1024,
      corsAllowOrigins: ["https://shop.example", "https://www.shop.example"],
    });
  });

  it.each([
    ["true", true],
    ["1", true],
    ["false", false],
    ["0", false],
    ["False", false],
  ])("ALLOW_CUSTOM_EVENTS=%s → %s", (raw, expected) => {
    expect(readIngestConfig({ ALLOW_CUSTOM_EVENTS: raw }).allowCustomEvents).toBe(expected);
  });

  it("MAX_EVENT_AGE_DAYS accepts 1 and 90", () => {
    expect(readIngestConfig({ MAX_EVENT_AGE_DAYS: "1" }).maxEventAgeDays).toBe(1);
    expect(readIngestConfig({ MAX_EVENT_AGE_DAYS: "90" }).maxEventAgeDays).toBe(90);
  });

  it.each([
    ["TIKTOK_PIXEL_CODE", "bad!"],
    ["TIKTOK_PIXEL_CODE", "C4SHORT"],
    ["MAX_EVENT_AGE_DAYS", "abc"],
    ["MAX_EVENT_AGE_DAYS", "0"],
    ["MAX_EVENT_AGE_DAYS", "91"],
    ["MAX_EVENT_AGE_DAYS", "7.5"],
    ["ALLOW_CUSTOM_EVENTS", "maybe"],
    ["ALLOW_CUSTOM_EVENTS", "yes"],
    ["DEFAULT_PHONE_COUNTRY", "USA"],
    ["DEFAULT_PHONE_COUNTRY", "1"],
    // Passes a two-letter check but is not a country: every national-format phone would be dropped.
    ["DEFAULT_PHONE_COUNTRY", "UK"],
    ["DEFAULT_PHONE_COUNTRY", "ZZ"],
    ["MAX_BODY_BYTES", "100"],
    ["OFFLINE_EVENT_SET_ID", "not-an-id"],
    ["CRM_EVENT_SET_ID", "7309 8765"],
    ["OFFLINE_MAX_EVENT_AGE_DAYS", "91"],
    ["CRM_MAX_EVENT_AGE_DAYS", "0"],
    ["LDU_REGIONS", "US-CA,California"],
    ["LDU_REGIONS", "USA"],
  ])("%s=%j stops with a message naming the variable and the value", (name, value) => {
    const error = configError(() => readIngestConfig({ [name]: value }));
    expect(error.name).toBe("ConfigError");
    expect(error.message.startsWith(`${name} is "`)).toBe(true);
    expect(error.message.toLowerCase()).toContain(value.toLowerCase());
    expect(error.message).toContain("expected");
  });
});

describe("readSenderConfig", () => {
  it("defaults to TikTok's v1.3 track endpoint and a 10 s timeout", () => {
    expect(TIKTOK_EVENTS_URL).toBe("https://business-api.tiktok.com/open_api/v1.3/event/track/");
    expect(readSenderConfig({})).toEqual({
      apiUrl: TIKTOK_EVENTS_URL,
      requestTimeoutMs: 10_000,
      maxEventAgeDays: 7,
      offlineMaxEventAgeDays: 28,
      crmMaxEventAgeDays: 28,
      maxReceiveCount: 10,
      retryBaseSeconds: 30,
      retryMaxSeconds: 900,
      maxRequests: 1000,
      parallelRequests: 8,
    });
  });

  it("accepts an http(s) URL (e.g. a local mock) and a timeout", () => {
    expect(readSenderConfig({ TIKTOK_API_URL: "http://localhost:4010/track", TIKTOK_REQUEST_TIMEOUT_MS: "2500" })).toMatchObject({
      apiUrl: "http://localhost:4010/track",
      requestTimeoutMs: 2500,
    });
  });

  it("reads the retry policy; the cap cannot be below the first delay", () => {
    expect(readSenderConfig({ MAX_RECEIVE_COUNT: "3", RETRY_BASE_SECONDS: "2", RETRY_MAX_SECONDS: "8" })).toMatchObject({
      maxReceiveCount: 3,
      retryBaseSeconds: 2,
      retryMaxSeconds: 8,
    });
    expect(readSenderConfig({ RETRY_BASE_SECONDS: "1200" }).retryMaxSeconds).toBe(1200);
    expect(() => readSenderConfig({ RETRY_BASE_SECONDS: "60", RETRY_MAX_SECONDS: "30" })).toThrow(/RETRY_MAX_SECONDS is "30"/);
  });

  it.each([
    ["TIKTOK_API_URL", "ftp://x"],
    ["TIKTOK_API_URL", "business-api.tiktok.com/open_api/v1.3/event/track/"],
    ["TIKTOK_REQUEST_TIMEOUT_MS", "50"],
    ["TIKTOK_REQUEST_TIMEOUT_MS", "ten"],
  ])("%s=%j stops with a message naming the variable", (name, value) => {
    const error = configError(() => readSenderConfig({ [name]: value }));
    expect(error.message.startsWith(`${name} is "${value}": expected`)).toBe(true);
  });
});
