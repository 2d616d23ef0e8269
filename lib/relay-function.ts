import { RemovalPolicy, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/**
 * CloudWatch namespace of the handlers' EMF metrics; alarms and dashboards read from it. One per stack, so
 * that two relays in one account (staging and production) never mix their numbers.
 */
export function metricsNamespace(scope: Construct): string {
  return `TikTokEventsRelay/${Stack.of(scope).stackName}`;
}

export interface RelayFunctionProps
  extends Omit<NodejsFunctionProps, "entry" | "runtime" | "architecture" | "bundling" | "logGroup" | "logRetention"> {
  /** Absolute path of the handler's entry file (exports `handler`). */
  readonly entry: string;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetentionDays?: logs.RetentionDays;
}

/**
 * A relay Lambda: Node 22 on arm64, an ESM bundle built by the local esbuild (there is no Docker),
 * minified with source maps, logging to a log group the stack owns and expires.
 */
export class RelayFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: RelayFunctionProps) {
    const { logRetentionDays, environment, ...rest } = props;
    // Made before super(), when `this` does not exist yet: so it is a sibling of the function, not a child.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: logRetentionDays ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      tracing: lambda.Tracing.DISABLED,
      ...rest,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: "handler",
      logGroup,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(scope),
        ...environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node22",
        mainFields: ["module", "main"],
        // Some dependencies call require() on Node built-ins, which an ESM bundle lacks.
        banner: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not a copy of every source file.
        sourcesContent: false,
        // Bundle the AWS SDK too, so the code runs with the SDK version it was tested with, not the runtime's.
        externalModules: [],
      },
    });
  }
}
