import { App } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { RELAY_CONFIG_DEFAULTS } from "../../lib/config";
import { RelayConfigError, readRelayConfig } from "../../lib/read-config";
import { TEST_PIXEL } from "../support/synth";

/** A deploy's context: with a pixel, as every real one must have (or allowNoPixel), unless the test says otherwise. */
const read = (context: Record<string, unknown>) => readRelayConfig(new App({ context: { pixelCode: TEST_PIXEL, ...context } }).node);

describe("readRelayConfig", () => {
  it("returns the documented defaults when nothing but the pixel is given", () => {
    expect(read({})).toEqual({
      ...RELAY_CONFIG_DEFAULTS,
      pixelCode: TEST_PIXEL,
      testEventCode: undefined,
      alarmEmail: undefined,
      tiktokTokenSecretArn: undefined,
      tiktokTokenSecretKmsKeyArn: undefined,
    });
    expect(RELAY_CONFIG_DEFAULTS).toMatchObject({
      pixelCode: "",
      defaultPhoneCountry: "US",
      maxEventAgeDays: 7,
      senderBatchSize: 1000,
      senderBatchingWindowSeconds: 5,
      senderMaxConcurrency: 2,
      senderTimeoutSeconds: 60,
      maxReceiveCount: 10,
      retryBaseSeconds: 30,
      retryMaxSeconds: 900,
      logRetentionDays: 30,
      apiThrottleRate: 100,
      apiThrottleBurst: 200,
      woocommerceThrottleRate: 10,
      woocommerceThrottleBurst: 20,
      reserveSenderConcurrency: true,
      allowNoPixel: false,
      api4xxAlarmPercent: 5,
      maxBodyBytes: 3_080_192,
    });
  });

  it("coerces the strings `-c key=value` produces", () => {
    const config = read({
      pixelCode: "C4ABCDEFGH12345",
      testEventCode: "TEST12345",
      alarmEmail: "ops@example.com",
      defaultPhoneCountry: "fr",
      maxEventAgeDays: "3",
      allowCustomEvents: "true",
      senderBatchSize: "10",
      senderBatchingWindowSeconds: "0",
      senderTimeoutSeconds: "120",
      logRetentionDays: "90",
      apiThrottleRate: "50",
    });
    expect(config).toMatchObject({
      pixelCode: "C4ABCDEFGH12345",
      testEventCode: "TEST12345",
      alarmEmail: "ops@example.com",
      defaultPhoneCountry: "FR",
      maxEventAgeDays: 3,
      allowCustomEvents: true,
      senderBatchSize: 10,
      senderBatchingWindowSeconds: 0,
      senderTimeoutSeconds: 120,
      logRetentionDays: RetentionDays.THREE_MONTHS,
      apiThrottleRate: 50,
    });
  });

  it("reads the event sources, their age limits, LDU regions (a list in cdk.json too) and the WooCommerce test code", () => {
    expect(
      read({
        offlineEventSetId: "7301234567890123456",
        crmEventSetId: 7309876543210,
        offlineMaxEventAgeDays: "14",
        crmMaxEventAgeDays: 60,
        lduRegions: ["us-ca", "US-CO"],
        woocommerceTestEventCode: "WOO42",
      }),
    ).toMatchObject({
      offlineEventSetId: "7301234567890123456",
      crmEventSetId: "7309876543210",
      offlineMaxEventAgeDays: 14,
      crmMaxEventAgeDays: 60,
      lduRegions: ["US-CA", "US-CO"],
      woocommerceTestEventCode: "WOO42",
    });
    expect(RELAY_CONFIG_DEFAULTS).toMatchObject({
      offlineEventSetId: "",
      crmEventSetId: "",
      offlineMaxEventAgeDays: 28,
      crmMaxEventAgeDays: 28,
    });
    expect(read({}).lduRegions).toEqual([]);
  });

  it("accepts real JSON types from cdk.json", () => {
    expect(read({ allowCustomEvents: false, senderMemoryMb: 1024, logRetentionDays: 7 })).toMatchObject({
      allowCustomEvents: false,
      senderMemoryMb: 1024,
      logRetentionDays: RetentionDays.ONE_WEEK,
    });
  });

  it.each([
    ["pixelCode", { pixelCode: "BAD!" }],
    ["pixelCode", { pixelCode: "SHORT" }],
    ["senderBatchSize", { senderBatchSize: "0" }],
    ["senderMemoryMb", { senderMemoryMb: "-512" }],
    ["senderMaxConcurrency", { senderMaxConcurrency: 1 }],
    ["senderTimeoutSeconds", { senderTimeoutSeconds: "abc" }],
    ["senderTimeoutSeconds", { senderTimeoutSeconds: "" }],
    ["maxReceiveCount", { maxReceiveCount: 2.5 }],
    ["maxEventAgeDays", { maxEventAgeDays: "91" }],
    ["senderBatchingWindowSeconds", { senderBatchSize: "11", senderBatchingWindowSeconds: "0" }],
    ["alarmEmail", { alarmEmail: "ops.example.com" }],
    ["defaultPhoneCountry", { defaultPhoneCountry: "USA" }],
    ["tiktokApiUrl", { tiktokApiUrl: "http://business-api.tiktok.com/" }],
    ["tiktokTokenSecretArn", { tiktokTokenSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tiktok" }],
    ["logRetentionDays", { logRetentionDays: "31" }],
    ["allowCustomEvents", { allowCustomEvents: "yes" }],
    ["pixelcode", { pixelcode: "C4ABCDEFGH12345" }],
    ["offlineEventSetId", { offlineEventSetId: "7301 2345" }],
    ["crmEventSetId", { crmEventSetId: "crm-set" }],
    ["offlineMaxEventAgeDays", { offlineMaxEventAgeDays: "0" }],
    ["crmMaxEventAgeDays", { crmMaxEventAgeDays: "91" }],
    ["lduRegions", { lduRegions: "US-CA,California" }],
    ["lduRegions", { lduRegions: 42 }],
    // biome-ignore lint/correctness/noPrecisionLoss: the point: cdk.json's parser has already lost the last digits.
    ["offlineEventSetId", { offlineEventSetId: 7301234567890123456 }],
    ["woocommerceTestEventCode", { woocommerceTestEventCode: "has spaces" }],
  ])("rejects a bad %s with a message naming the key", (key, context) => {
    expect(() => read(context)).toThrow(RelayConfigError);
    expect(() => read(context)).toThrow(new RegExp(`- ${key}: `));
  });

  it("reports every bad key at once, each with its fix", () => {
    let message = "";
    try {
      read({ pixelCode: "BAD!", senderTimeoutSeconds: "0", alarmEmail: "nope" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('pixelCode: got "BAD!"');
    expect(message).toContain('senderTimeoutSeconds: got "0", expected an integer from 10 to 900. Fix: -c senderTimeoutSeconds=');
    expect(message).toContain("alarmEmail");
  });

  it.each([
    ["tracing", "maybe", "true or false"],
    ["waf", "yes", "true or false"],
    ["wafRateLimit", "5", "an integer from 10 to 2000000000"],
    ["noEventsAlarmHours", "169", "an integer from 0 to 168"],
    ["api5xxAlarmPercent", "0", "an integer from 1 to 100"],
    ["authorizerCacheSeconds", "7200", "an integer from 0 to 3600"],
    ["maxBodyBytes", "5242880", "an integer from 1024 to 3080192"],
    ["api4xxAlarmPercent", "0", "an integer from 1 to 100"],
    ["woocommerceThrottleRate", "0", "an integer from 1 to 10000"],
    ["allowNoPixel", "sure", "true or false"],
    ["tiktokTokenSecretKmsKeyArn", "alias/aws/secretsmanager", "a KMS key ARN"],
    ["corsAllowOrigins", "http://shop.example", "https origins only"],
    ["corsAllowOrigins", "https://shop.example,*", "https origins only"],
    ["queueKmsKeyArn", "alias/relay", "a KMS key ARN"],
  ])("refuses %s=%j, saying what is expected", (key, value, expected) => {
    expect(() => read({ [key]: value })).toThrow(new RegExp(`${key}: got .*expected ${expected.replace(/[()]/g, "\\$&")}`));
  });

  it("reads the production options", () => {
    const config = read({
      corsAllowOrigins: "https://shop.example, https://www.shop.example:8443",
      tracing: "true",
      waf: true,
      wafRateLimit: "1000",
      noEventsAlarmHours: "12",
      queueKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    });
    expect(config).toMatchObject({
      corsAllowOrigins: ["https://shop.example", "https://www.shop.example:8443"],
      tracing: true,
      waf: true,
      wafRateLimit: 1000,
      noEventsAlarmHours: 12,
      queueKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    });
  });

  it("refuses a retry cap below the first retry delay", () => {
    expect(() => readRelayConfig(new App({ context: { retryBaseSeconds: "600", retryMaxSeconds: "60" } }).node)).toThrow(
      /retryMaxSeconds: 60 is below retryBaseSeconds \(600\)/,
    );
  });

  it("allows batches above 10 once the batching window is at least 1 s", () => {
    expect(read({ senderBatchSize: "11", senderBatchingWindowSeconds: "1" }).senderBatchSize).toBe(11);
    expect(read({ senderBatchSize: "10", senderBatchingWindowSeconds: "0" }).senderBatchingWindowSeconds).toBe(0);
  });

  it("accepts a complete secret ARN for an existing token secret", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tiktok-token-AbC123";
    expect(read({ tiktokTokenSecretArn: arn }).tiktokTokenSecretArn).toBe(arn);
  });

  it("accepts the customer-managed key of an existing token secret, and only with that secret", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tiktok-token-AbC123";
    const key = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    expect(read({ tiktokTokenSecretArn: arn, tiktokTokenSecretKmsKeyArn: key }).tiktokTokenSecretKmsKeyArn).toBe(key);
    expect(() => read({ tiktokTokenSecretKmsKeyArn: key })).toThrow(
      /tiktokTokenSecretKmsKeyArn: only means something with tiktokTokenSecretArn/,
    );
  });
});

describe("deploy guard: the pixel", () => {
  it("refuses a synth without pixelCode, saying to keep it in cdk.json or to allow it explicitly", () => {
    for (const context of [{}, { pixelCode: "" }, { allowNoPixel: "false" }]) {
      expect(() => readRelayConfig(new App({ context }).node)).toThrow(RelayConfigError);
    }
    expect(() => readRelayConfig(new App({ context: {} }).node)).toThrow(/pixelCode: not set.*cdk\.json.*-c allowNoPixel=true/s);
  });

  it("allows no pixel when the operator says so (every event carries its own pixel_code)", () => {
    for (const allowNoPixel of ["true", true]) {
      expect(readRelayConfig(new App({ context: { allowNoPixel } }).node)).toMatchObject({ pixelCode: "", allowNoPixel: true });
    }
  });

  it("does not need allowNoPixel when there is a pixel", () => {
    expect(read({}).pixelCode).toBe(TEST_PIXEL);
  });
});
