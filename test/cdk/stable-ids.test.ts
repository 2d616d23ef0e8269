import { describe, expect, it } from "vitest";
import { synthRelay } from "../support/synth";

// CloudFormation names a resource by its logical id: a refactor that changes the id of a queue, a secret or
// the API replaces it — the DLQ's events deleted, the ingest key and webhook secret regenerated, the API's URL
// changed for every shop. These ids are part of the relay's contract with its deployments.

const STABLE: [type: string, logicalId: string][] = [
  ["AWS::SecretsManager::Secret", "IngestApiKey692641B7"],
  ["AWS::SecretsManager::Secret", "TikTokAccessToken1EA96EA4"],
  ["AWS::SecretsManager::Secret", "WooCommerceSecret9247BAC6"],
  ["AWS::SQS::Queue", "PipelineDeadLetterQueueF08023D6"],
  ["AWS::SQS::Queue", "PipelineEventsQueueFC9FD828"],
  ["AWS::ApiGateway::RestApi", "IngestApiE2DAED7B"],
  ["AWS::ApiGateway::Stage", "IngestApiDeploymentStagev19EF0E85A"],
  ["AWS::SNS::Topic", "MonitoringAlarmTopicAF62D4F1"],
];

describe("logical ids of what holds data or an address", () => {
  const { resources } = synthRelay({ pixelCode: "C4PIXEL0000000000001" });

  it.each(STABLE)("%s %s never changes", (type, logicalId) => {
    expect(resources[logicalId]?.Type, `${logicalId} is gone: a deployed relay would lose or replace it`).toBe(type);
  });
});
