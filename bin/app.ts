#!/usr/bin/env node
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import type { RelayConfig } from "../lib/config";
import { RelayConfigError, readRelayConfig } from "../lib/read-config";
import { RelayStack } from "../lib/relay-stack";

// CDK app: `npx cdk deploy -c pixelCode=... -c alarmEmail=...`; settings are documented in lib/config.ts.
const app = new App();

let config: RelayConfig;
try {
  config = readRelayConfig(app.node);
} catch (error) {
  if (!(error instanceof RelayConfigError)) throw error;
  // The message lists every bad key and its fix; a stack trace would only bury it.
  console.error(error.message);
  process.exit(1);
}

// Every synth (and so every deploy) is checked against AWS Solutions and Serverless best practices: an
// unacknowledged finding stops it. Acknowledgements sit next to the resource they concern, with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

new RelayStack(app, app.node.tryGetContext("stackName") ?? "TikTokEventsRelay", {
  config,
  description: "tiktok-events-relay: server-side conversion events to the TikTok Events API",
  // Environment-agnostic unless the CLI resolves an account, so synth works without AWS credentials.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
