import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeys } from "../../lambdas/authorizer/api-keys";
import { createAuthorizer } from "../../lambdas/authorizer/authorize";
import { silentLog } from "../../lambdas/core/log";

// The request authorizer in front of POST /events: which requests API Gateway lets through to the ingest
// function, and what it caches for them.

const METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/POST/events";
const authorizer = (secret = "key-one, key-two") => createAuthorizer({ apiKeys: async () => parseKeys(secret), log: silentLog });
const request = (headers: Record<string, string>) => ({ headers, methodArn: METHOD_ARN });

describe("request authorizer", () => {
  it("allows a valid bearer key for the whole stage (the decision is cached per key) and names the key by a fingerprint", async () => {
    const result = await authorizer()(request({ Authorization: "Bearer key-one" }));
    expect(result.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/*" },
    ]);
    expect(result.context).toEqual({ keyId: createHash("sha256").update("key-one").digest("hex").slice(0, 12) });
    expect(JSON.stringify(result)).not.toContain("key-one");
  });

  it("accepts every key of a rotation (comma or newline separated), whatever the header's case", async () => {
    const auth = authorizer("old-key,\nnew-key");
    await expect(auth(request({ authorization: "Bearer old-key" }))).resolves.toMatchObject({ principalId: "ingest-key" });
    await expect(auth(request({ AUTHORIZATION: "bearer new-key" }))).resolves.toMatchObject({ principalId: "ingest-key" });
  });

  it.each([
    ["no header", {}],
    ["a wrong key", { Authorization: "Bearer nope" }],
    ["another scheme", { Authorization: "Basic key-one" }],
    ["a key that is a prefix of a valid one", { Authorization: "Bearer key-on" }],
    ["an empty bearer", { Authorization: "Bearer " }],
  ])("refuses %s with API Gateway's 'Unauthorized' (a 401)", async (_case, headers) => {
    await expect(authorizer()(request(headers))).rejects.toThrow(/^Unauthorized$/);
  });

  it("fails (a 503 at the gateway, not a 401) when the keys cannot be read", async () => {
    const failing = createAuthorizer({ apiKeys: async () => Promise.reject(new Error("AccessDeniedException")), log: silentLog });
    await expect(failing(request({ Authorization: "Bearer key-one" }))).rejects.toThrow("AccessDeniedException");
  });
});
