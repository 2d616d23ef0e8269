import { describe, expect, it } from "vitest";
import { synthRelay } from "../support/synth";

// GET /health in AWS: no key, no data. On the REST API, API Gateway answers it itself (no function runs).

describe("GET /health", () => {
  it('on the REST API is a mock integration answering {"ok": true}, with no authorizer', () => {
    const { template, resources } = synthRelay();
    const health = Object.values(resources).find((r) => r.Type === "AWS::ApiGateway::Resource" && r.Properties.PathPart === "health");
    expect(health).toBeDefined();
    const mocks = Object.values(template.findResources("AWS::ApiGateway::Method", { Properties: { HttpMethod: "GET" } })).filter(
      (m) => (m.Properties.Integration as { Type?: string } | undefined)?.Type === "MOCK",
    );
    expect(mocks).toHaveLength(1);
    expect(mocks[0]!.Properties).toMatchObject({
      AuthorizationType: "NONE",
      Integration: {
        Type: "MOCK",
        IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": '{"ok":true}' } }],
      },
    });
  });

  it("on the HTTP API (-c api=http) is a route without an authorizer to the ingest function, which answers it", () => {
    const { template } = synthRelay({ api: "http" });
    const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map((r) => r.Properties);
    const health = routes.find((r) => r.RouteKey === "GET /health");
    expect(health).toBeDefined();
    expect(health!.AuthorizationType ?? "NONE").toBe("NONE");
  });
});
