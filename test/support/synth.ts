import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { readRelayConfig } from "../../lib/read-config";
import { RelayStack } from "../../lib/relay-stack";

type WithDefaultChild = { node: { defaultChild?: unknown } };

/** The pixel every synthesized test stack has unless a test says otherwise: a real deploy needs one (or allowNoPixel). */
export const TEST_PIXEL = "C4PIXEL0000000000001";

/**
 * The relay stack "Relay" from CDK context, without bundling the handlers (tests of the template do not need
 * the bundles; relay-stack.test.ts checks them), and the helpers every CDK test uses. The context has a pixel
 * code unless the test overrides it (`pixelCode: undefined` with `allowNoPixel: "true"` for a stack without).
 */
export function synthRelay(context: Record<string, unknown> = {}) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [], pixelCode: TEST_PIXEL, ...context } });
  const stack = new RelayStack(app, "Relay", { config: readRelayConfig(app.node) });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  /** The logical id of a construct's CloudFormation resource. */
  const id = (construct: WithDefaultChild) => stack.getLogicalId(construct.node.defaultChild as never);
  /** The properties of a construct's CloudFormation resource. */
  const propertiesOf = (construct: WithDefaultChild) => resources[id(construct)]!.Properties;
  return { app, stack, template, resources, id, propertiesOf };
}
