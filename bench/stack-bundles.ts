import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { readRelayConfig } from "../lib/read-config";
import { RelayStack } from "../lib/relay-stack";
import { serve } from "./child";

// Child process: synthesizes the real stack (bundling with the local esbuild, as `cdk deploy` does) and
// reports each handler's bundle, so the bench can show its own builds are the stack's, byte for byte.
// A child because CDK and esbuild print their progress, and aws-cdk-lib is heavy to keep loaded.

export interface StackBundle {
  bytes: number;
  sha256: string;
}

serve(
  {
    synth(): Record<string, StackBundle> {
      const outdir = mkdtempSync(join(tmpdir(), "relay-bench-synth-"));
      try {
        const app = new App({ outdir, context: { pixelCode: "C4ABCDEFGH12345" } });
        const stack = new RelayStack(app, "Relay", { config: readRelayConfig(app.node) });
        const assembly = app.synth();
        const functions = {
          authorizer: stack.authorizerFunction,
          ingest: stack.ingestFunction,
          sender: stack.pipeline.senderFunction,
          woocommerce: stack.woocommerce.webhookFunction,
        };
        const template = JSON.parse(
          readFileSync(join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile), "utf8"),
        ) as {
          Resources: Record<string, { Properties: { Code: { S3Key: string } } }>;
        };
        return Object.fromEntries(
          Object.entries(functions).map(([name, fn]) => {
            const id = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction);
            const hash = template.Resources[id]!.Properties.Code.S3Key.replace(/\.zip$/, "");
            const code = readFileSync(join(assembly.directory, `asset.${hash}`, "index.mjs"));
            return [name, { bytes: code.length, sha256: createHash("sha256").update(code).digest("hex") }];
          }),
        );
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    },
  },
  async () => {},
);
