import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { readRelayConfig } from "../../lib/read-config";
import { RelayStack, TOKEN_PLACEHOLDER } from "../../lib/relay-stack";
import type { RestEdge } from "../../lib/rest-edge";

// The one file that bundles for real (local esbuild): the others skip bundling to stay fast.
const app = new App({ context: { pixelCode: "C4ABCDEFGH12345" } });
const stack = new RelayStack(app, "Relay", { config: readRelayConfig(app.node) });
const template = Template.fromStack(stack);
const assemblyDir = app.synth().directory;

const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<RelayStack["getLogicalId"]>[0]);
const ingestKeyId = id(stack.ingestApiKeySecret);
const tokenId = id(stack.tiktokTokenSecret);
const queueId = id(stack.pipeline.queue);
const dlqId = id(stack.pipeline.deadLetterQueue);

describe("RelayStack functions", () => {
  it.each([
    ["ingest", stack.ingestFunction],
    ["sender", stack.pipeline.senderFunction],
  ])("%s runs Node 24 on arm64 with source maps and an expiring log group", (_name, fn) => {
    const props = template.toJSON().Resources[id(fn)].Properties;
    expect(props).toMatchObject({
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      Handler: "index.handler",
      Environment: { Variables: { NODE_OPTIONS: "--enable-source-maps", POWERTOOLS_METRICS_NAMESPACE: "TikTokEventsRelay/Relay" } },
    });
    expect(props.TracingConfig).toBeUndefined();
    const logGroupId = props.LoggingConfig.LogGroup.Ref as string;
    expect(template.toJSON().Resources[logGroupId]).toMatchObject({
      Type: "AWS::Logs::LogGroup",
      Properties: { RetentionInDays: 30 },
    });
  });

  it("gives the authorizer the key secret, and the ingest function its settings and queue (no secret)", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 5,
      Environment: { Variables: { INGEST_API_KEY_SECRET_ARN: { Ref: ingestKeyId }, POWERTOOLS_SERVICE_NAME: "tiktok-relay-authorizer" } },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 10,
      MemorySize: 512,
      Environment: {
        Variables: {
          EVENTS_QUEUE_URL: { Ref: queueId },
          INGEST_API_KEY_SECRET_ARN: Match.absent(),
          MAX_BODY_BYTES: "3080192",
          CORS_ALLOW_ORIGINS: Match.absent(),
          TIKTOK_PIXEL_CODE: "C4ABCDEFGH12345",
          TIKTOK_TEST_EVENT_CODE: Match.absent(),
          OFFLINE_EVENT_SET_ID: Match.absent(),
          CRM_EVENT_SET_ID: Match.absent(),
          DEFAULT_PHONE_COUNTRY: "US",
          MAX_EVENT_AGE_DAYS: "7",
          OFFLINE_MAX_EVENT_AGE_DAYS: "28",
          CRM_MAX_EVENT_AGE_DAYS: "28",
          LDU_REGIONS: Match.absent(),
          ALLOW_CUSTOM_EVENTS: "false",
          POWERTOOLS_SERVICE_NAME: "tiktok-relay-ingest",
        },
      },
    });
  });

  it("gives the sender function its settings, token secret and DLQ", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 60,
      MemorySize: 512,
      Environment: {
        Variables: {
          TIKTOK_ACCESS_TOKEN_SECRET_ARN: { Ref: tokenId },
          TIKTOK_API_URL: "https://business-api.tiktok.com/open_api/v1.3/event/track/",
          TIKTOK_REQUEST_TIMEOUT_MS: "10000",
          MAX_EVENT_AGE_DAYS: "7",
          OFFLINE_MAX_EVENT_AGE_DAYS: "28",
          CRM_MAX_EVENT_AGE_DAYS: "28",
          MAX_RECEIVE_COUNT: "10",
          RETRY_BASE_SECONDS: "30",
          RETRY_MAX_SECONDS: "900",
          EVENTS_QUEUE_URL: { Ref: queueId },
          DEAD_LETTER_QUEUE_URL: { Ref: dlqId },
          POWERTOOLS_SERVICE_NAME: "tiktok-relay-sender",
        },
      },
    });
  });

  it("bundles the four handlers as minified ESM with the require shim and a source map", () => {
    const assets = readdirSync(assemblyDir).filter((name) => name.startsWith("asset."));
    expect(assets).toHaveLength(4);
    for (const asset of assets) {
      const bundle = readFileSync(join(assemblyDir, asset, "index.mjs"), "utf8");
      expect(bundle.startsWith("import { createRequire as topLevelCreateRequire } from 'module';")).toBe(true);
      expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b/);
      expect(existsSync(join(assemblyDir, asset, "index.mjs.map"))).toBe(true);
    }
  });
});

describe("RelayStack secrets", () => {
  it("generates a 40-character bearer key and explains rotation", () => {
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true },
      Description: Match.stringLikeRegexp("POST /events.*separated by commas"),
    });
  });

  it("creates the token secret with a placeholder that says what to do", () => {
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      SecretString: TOKEN_PLACEHOLDER,
      Description: Match.stringLikeRegexp("TikTok Events API access token"),
    });
    expect(TOKEN_PLACEHOLDER).toContain("put-secret-value");
  });
});

describe("RelayStack outputs", () => {
  it("exports what the README's deploy steps need", () => {
    const outputs = template.findOutputs("*");
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        "ApiUrl",
        "ApiId",
        "EventsQueueUrl",
        "DeadLetterQueueUrl",
        "IngestApiKeySecretArn",
        "TikTokTokenSecretArn",
        "AlarmTopicArn",
        "IngestFunctionName",
      ]),
    );
    // What raising the ingest function's log level needs (docs/deploy.md, What is logged where).
    expect(outputs.IngestFunctionName?.Value).toEqual({ Ref: id(stack.ingestFunction) });
    expect(outputs.EventsQueueUrl?.Value).toEqual({ Ref: queueId });
    expect(outputs.DeadLetterQueueUrl?.Value).toEqual({ Ref: dlqId });
    expect(outputs.IngestApiKeySecretArn?.Value).toEqual({ Ref: ingestKeyId });
    expect(outputs.TikTokTokenSecretArn?.Value).toEqual({ Ref: tokenId });
    expect(outputs.AlarmTopicArn?.Value).toEqual({ Ref: id(stack.monitoring.alarmTopic) });
    // What revoking an ingest key at once needs (README, Deploy).
    expect(outputs.ApiId?.Value).toEqual({ Ref: id((stack.edge as RestEdge).api) });
    expect(outputs.ApiId?.Description).toContain("aws apigateway flush-stage-authorizers-cache --rest-api-id <this> --stage-name v1");
  });

  it("points ApiUrl at POST /events on the v1 stage", () => {
    const parts = template.findOutputs("ApiUrl").ApiUrl?.Value["Fn::Join"][1] as unknown[];
    expect(parts[0]).toBe("https://");
    expect(parts.at(-1)).toBe("/events");
    expect(parts).toContainEqual({ Ref: id((stack.edge as RestEdge).api) });
    expect(parts).toContainEqual({ Ref: stack.getLogicalId((stack.edge as RestEdge).api.deploymentStage.node.defaultChild as never) });
  });
});

describe("RelayStack with optional settings", () => {
  const optionalApp = new App({
    context: {
      "aws:cdk:bundling-stacks": [],
      // No pixel on purpose (events then carry their own): the functions get an empty TIKTOK_PIXEL_CODE.
      allowNoPixel: "true",
      testEventCode: "TEST12345",
      allowCustomEvents: "true",
      defaultPhoneCountry: "GB",
      maxEventAgeDays: "3",
      offlineEventSetId: "7301234567890123456",
      crmEventSetId: "7309876543210987654",
      offlineMaxEventAgeDays: "21",
      crmMaxEventAgeDays: "60",
      lduRegions: "us-ca, US-CO",
      woocommerceTestEventCode: "WOO42",
      ingestMemoryMb: "256",
      senderTimeoutSeconds: "20",
      logRetentionDays: "7",
    },
  });
  const optional = Template.fromStack(new RelayStack(optionalApp, "Relay", { config: readRelayConfig(optionalApp.node) }));

  it("passes them to the functions", () => {
    optional.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 10,
      MemorySize: 256,
      Environment: {
        Variables: Match.objectLike({
          TIKTOK_PIXEL_CODE: "",
          TIKTOK_TEST_EVENT_CODE: "TEST12345",
          ALLOW_CUSTOM_EVENTS: "true",
          DEFAULT_PHONE_COUNTRY: "GB",
          MAX_EVENT_AGE_DAYS: "3",
          OFFLINE_EVENT_SET_ID: "7301234567890123456",
          CRM_EVENT_SET_ID: "7309876543210987654",
          OFFLINE_MAX_EVENT_AGE_DAYS: "21",
          CRM_MAX_EVENT_AGE_DAYS: "60",
          LDU_REGIONS: "US-CA,US-CO",
          POWERTOOLS_SERVICE_NAME: "tiktok-relay-ingest",
        }),
      },
    });
    // The webhook reads the same event settings, and its own test code.
    optional.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          OFFLINE_MAX_EVENT_AGE_DAYS: "21",
          LDU_REGIONS: "US-CA,US-CO",
          TIKTOK_TEST_EVENT_CODE: "TEST12345",
          WOOCOMMERCE_TEST_EVENT_CODE: "WOO42",
          POWERTOOLS_SERVICE_NAME: "tiktok-relay-woocommerce",
        }),
      },
    });
    optional.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 20,
      // A quarter of the invocation, so a slow request still leaves time to retry and report.
      Environment: {
        Variables: Match.objectLike({
          TIKTOK_REQUEST_TIMEOUT_MS: "5000",
          MAX_EVENT_AGE_DAYS: "3",
          OFFLINE_MAX_EVENT_AGE_DAYS: "21",
          CRM_MAX_EVENT_AGE_DAYS: "60",
        }),
      },
    });
    const retentions = Object.values(optional.findResources("AWS::Logs::LogGroup")).map((r) => r.Properties.RetentionInDays);
    // authorizer, ingest, sender, woocommerce, API access logs, API execution logs
    expect(retentions).toEqual([7, 7, 7, 7, 7, 7]);
  });
});
