import { RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { ENV, metricsNamespaceFor } from "../lambdas/contract";

/**
 * CloudWatch namespace of the handlers' EMF metrics; alarms and dashboards read from it. One per stack, so
 * that two relays in one account (staging and production) never mix their numbers.
 */
export function metricsNamespace(scope: Construct): string {
  return metricsNamespaceFor(Stack.of(scope).stackName);
}

export interface RelayFunctionProps
  extends Omit<NodejsFunctionProps, "entry" | "runtime" | "architecture" | "bundling" | "logGroup" | "logRetention" | "tracing"> {
  /** Absolute path of the handler's entry file (exports `handler`). */
  readonly entry: string;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetentionDays?: logs.RetentionDays;
  /**
   * X-Ray tracing (the `tracing` setting of the stack).
   * @default false
   */
  readonly traced?: boolean;
  /**
   * Lambda's own lines kept in the log group. WARN drops START, END and REPORT (~260 bytes per invocation,
   * the same figures are the function's Duration, Invocations and Errors metrics) and keeps timeouts, crashes and
   * init failures: for functions invoked once per request, where those lines would cost more than the function's own.
   * @default lambda.SystemLogLevel.INFO
   */
  readonly systemLogLevel?: lambda.SystemLogLevel;
}

/**
 * A relay Lambda: Node 24 (the newest Lambda Node runtime this CDK knows) on arm64, an ESM bundle built by
 * the local esbuild (there is no Docker), minified with source maps, logging to a log group the stack owns
 * and expires.
 */
export class RelayFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: RelayFunctionProps) {
    const { logRetentionDays, environment, traced = false, systemLogLevel = lambda.SystemLogLevel.INFO, ...rest } = props;
    // Made before super(), when `this` does not exist yet: so it is a sibling of the function, not a child.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: logRetentionDays ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role with write access to its own log group only, instead of the AWS managed
    // AWSLambdaBasicExecutionRole (which may write to any log group in the account).
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Runs ${id} of the TikTok events relay`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      ...rest,
      tracing: traced ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      role,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: "handler",
      logGroup,
      // Lambda's advanced logging controls: JSON lines (Powertools already writes JSON; the platform's own lines
      // become JSON with a level, so they can be filtered by it) and the level of the platform's lines.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: systemLogLevel,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        [ENV.metricsNamespace]: metricsNamespace(scope),
        ...environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node24",
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
    if (!traced) {
      Validations.of(this).acknowledge({
        id: "Serverless-LambdaTracing",
        reason: "X-Ray tracing is optional (-c tracing=true): it costs per trace; logs and metrics cover operations.",
      });
    } else {
      Validations.of(role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions (AWS X-Ray); added only with -c tracing=true.",
      });
    }
  }
}
