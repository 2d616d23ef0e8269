import { CfnOutput, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import type { RelayConfig } from "./config";
import { DeliveryLedgerTable } from "./delivery-ledger";
import { EventPipeline } from "./event-pipeline";
import { HttpEdge } from "./http-edge";
import { AuthorizerFunction, IngestFunction } from "./ingest-functions";
import { Monitoring } from "./monitoring";
import { RestEdge, STAGE_NAME } from "./rest-edge";
import { TenantTable } from "./tenant-table";
import { ApiFirewall } from "./waf";
import { WooCommerceWebhook } from "./woocommerce-webhook";

export interface RelayStackProps extends StackProps {
  /** Validated settings, usually from `readRelayConfig(app.node)`. */
  readonly config: RelayConfig;
}

/**
 * Value of a stack-created token secret until the owner stores the real token. Readable on purpose: whoever
 * opens the secret sees what to do. (Not a credential.) Never change this text: CloudFormation rewrites the
 * secret when its template value changes, which would replace every deployed token with the placeholder.
 */
export const TOKEN_PLACEHOLDER =
  "REPLACE_ME: put the TikTok Events API access token here (aws secretsmanager put-secret-value --secret-id <TikTokTokenSecretArn> --secret-string <token>)";

/** tiktok-events-relay: POST /events → ingest Lambda → SQS (+ DLQ) → sender Lambda → TikTok Events API. */
export class RelayStack extends Stack {
  public readonly ingestApiKeySecret: secretsmanager.ISecret;
  public readonly tiktokTokenSecret: secretsmanager.ISecret;
  public readonly pipeline: EventPipeline;
  /** What TikTok accepted (DynamoDB): nothing in it is sent twice. */
  public readonly ledger: DeliveryLedgerTable;
  /** POST /events. */
  public readonly ingestFunction: IngestFunction;
  /** The bearer-key check in front of POST /events. */
  public readonly authorizerFunction: AuthorizerFunction;
  /** The API that routes requests to the functions: a REST API, or an HTTP API with `-c api=http`. */
  public readonly edge: RestEdge | HttpEdge;
  public readonly monitoring: Monitoring;
  public readonly woocommerce: WooCommerceWebhook;
  /** The shops this relay serves besides its single-shop setup (`npm run tenants`). */
  public readonly tenants: TenantTable;
  /** Present with `-c waf=true`. */
  public readonly firewall?: ApiFirewall;

  constructor(scope: Construct, id: string, props: RelayStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.ingestApiKeySecret = new secretsmanager.Secret(this, "IngestApiKey", {
      description:
        "Bearer key callers present on POST /events (Authorization: Bearer <key>). To rotate, store several keys separated by commas, move callers to the new one, then remove the old.",
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      // The secrets survive `cdk destroy` and a change of logical id: a regenerated key would lock out every
      // caller, and a new token secret would lose the token (README, Tear down).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.tiktokTokenSecret = config.tiktokTokenSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, "TikTokAccessToken", config.tiktokTokenSecretArn)
      : new secretsmanager.Secret(this, "TikTokAccessToken", {
          description:
            "Put the TikTok Events API access token here (generated in TikTok Events Manager, in the pixel's settings). The relay sender reads it.",
          // Written at creation, and again only if this template value changes: a token stored later survives deploys.
          secretStringValue: SecretValue.unsafePlainText(TOKEN_PLACEHOLDER),
          removalPolicy: RemovalPolicy.RETAIN,
        });

    Validations.of(this.ingestApiKeySecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "Rotating the ingest key means changing every caller's configuration: the secret holds several keys at once so the owner rotates it by hand without downtime (README, Deploy).",
    });
    if (this.tiktokTokenSecret instanceof secretsmanager.Secret) {
      Validations.of(this.tiktokTokenSecret).acknowledge({
        id: "AwsSolutions-SMG4",
        reason:
          "TikTok access tokens are issued in TikTok Events Manager; AWS cannot rotate them. The sender re-reads the secret after an auth error, so a new token applies at once.",
      });
    }

    this.ledger = new DeliveryLedgerTable(this, "Ledger");
    this.pipeline = new EventPipeline(this, "Pipeline", { tokenSecret: this.tiktokTokenSecret, ledger: this.ledger, config });
    // The functions first, then the edge that routes requests to them: another API flavour would be a
    // sibling of RestEdge taking the same functions.
    this.ingestFunction = new IngestFunction(this, "IngestFunction", { queue: this.pipeline.queue, config });
    this.authorizerFunction = new AuthorizerFunction(this, "AuthorizerFunction", { apiKeySecret: this.ingestApiKeySecret, config });
    this.woocommerce = new WooCommerceWebhook(this, "WooCommerce", { queue: this.pipeline.queue, ledger: this.ledger, config });
    const functions = { ingest: this.ingestFunction, authorizer: this.authorizerFunction, woocommerce: this.woocommerce.webhookFunction };
    this.edge =
      config.api === "http" ? new HttpEdge(this, "HttpIngest", { functions, config }) : new RestEdge(this, "Ingest", { functions, config });
    // Tenants: each function reads only what it needs of them (lib/tenant-table.ts).
    this.tenants = new TenantTable(this, "Tenants", { cacheSeconds: config.tenantCacheSeconds });
    this.tenants.grantReadKinds(this.authorizerFunction, ["key"]);
    this.tenants.grantReadKinds(this.ingestFunction, ["tenant"]);
    this.tenants.grantReadKinds(this.woocommerce.webhookFunction, ["tenant", "webhook"]);
    this.tenants.grantReadKinds(this.pipeline.senderFunction, ["token"]);
    if (config.waf && this.edge instanceof RestEdge) {
      this.firewall = new ApiFirewall(this, "Firewall", { stage: this.edge.api.deploymentStage, rateLimit: config.wafRateLimit });
    }
    this.monitoring = new Monitoring(this, "Monitoring", {
      edge: this.edge.metrics,
      functions: {
        ingest: this.ingestFunction,
        authorizer: this.authorizerFunction,
        woocommerce: this.woocommerce.webhookFunction,
        sender: this.pipeline.senderFunction,
      },
      queue: this.pipeline.queue,
      deadLetterQueue: this.pipeline.deadLetterQueue,
      config,
    });

    new CfnOutput(this, "ApiUrl", { value: this.edge.eventsUrl, description: "POST events here" });
    new CfnOutput(this, "ApiId", {
      value: this.edge instanceof RestEdge ? this.edge.api.restApiId : this.edge.api.apiId,
      description:
        this.edge instanceof RestEdge
          ? `To revoke a removed ingest key at once: aws apigateway flush-stage-authorizers-cache --rest-api-id <this> --stage-name ${STAGE_NAME}`
          : "HTTP API: a removed ingest key stays valid until the authorizer cache (authorizerCacheSeconds) expires",
    });
    new CfnOutput(this, "EventsQueueUrl", { value: this.pipeline.queue.queueUrl });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: this.pipeline.deadLetterQueue.queueUrl });
    new CfnOutput(this, "IngestApiKeySecretArn", {
      value: this.ingestApiKeySecret.secretArn,
      description: "aws secretsmanager get-secret-value --secret-id <this> to read the bearer key",
    });
    new CfnOutput(this, "TikTokTokenSecretArn", {
      value: this.tiktokTokenSecret.secretArn,
      description: "aws secretsmanager put-secret-value --secret-id <this> --secret-string <token>",
    });
    new CfnOutput(this, "WooCommerceUrl", {
      value: this.edge.woocommerceUrl,
      description: "Delivery URL of the WooCommerce order webhook",
    });
    new CfnOutput(this, "WooCommerceWebhookSecretArn", {
      value: this.woocommerce.secret.secretArn,
      description: "aws secretsmanager get-secret-value --secret-id <this>: paste the value into the webhook's Secret field",
    });
    new CfnOutput(this, "AlarmTopicArn", { value: this.monitoring.alarmTopic.topicArn });
    new CfnOutput(this, "IngestFunctionName", {
      value: this.ingestFunction.functionName,
      description: "Its log has no line for a request that went through; set its application log level to DEBUG to see each one",
    });
    new CfnOutput(this, "LedgerTableName", {
      value: this.ledger.table.tableName,
      description: "The delivery ledger: npm run trace -- <event_id> --stack <this stack> reads it",
    });
    new CfnOutput(this, "TenantsTableName", {
      value: this.tenants.table.tableName,
      description: "The tenants (shops) of this relay: npm run tenants -- list --stack <this stack>",
    });
    new CfnOutput(this, "TenantWooCommerceUrl", {
      value: `${this.edge.woocommerceUrl}/<tenant>`,
      description: "Delivery URL of a tenant's WooCommerce order webhook: replace <tenant> with its name",
    });
    new CfnOutput(this, "LedgerRetentionDays", { value: String(config.ledgerDays) });
  }
}
