import { fileURLToPath } from "node:url";
import { Duration, Validations } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { RelayConfig } from "./config";
import { eventSettingsEnvironment, type EventSettings } from "./event-settings";
import { RelayFunction } from "./relay-function";

const WEBHOOK_ENTRY = fileURLToPath(new URL("../lambdas/woocommerce/index.ts", import.meta.url));

export interface WooCommerceWebhookProps {
  readonly api: apigateway.RestApi;
  readonly queue: IQueue;
  readonly config: EventSettings &
    Pick<
      RelayConfig,
      | "ingestMemoryMb"
      | "logRetentionDays"
      | "tracing"
      | "woocommerceEventName"
      | "woocommerceEventIdTemplate"
      | "woocommercePaidStatuses"
      | "woocommerceValueExcludes"
      | "woocommerceTtclidKeys"
      | "woocommerceTtpKeys"
    >;
}

/**
 * POST /woocommerce: WooCommerce order webhooks, authenticated by their HMAC signature inside the function
 * (WooCommerce cannot send a bearer key), turned into purchase events on the same queue.
 */
export class WooCommerceWebhook extends Construct {
  public readonly secret: secretsmanager.Secret;
  public readonly webhookFunction: RelayFunction;
  public readonly url: string;

  constructor(scope: Construct, id: string, props: WooCommerceWebhookProps) {
    super(scope, id);
    const { config } = props;

    this.secret = new secretsmanager.Secret(this, "Secret", {
      description:
        "WooCommerce webhook secret: paste it into the webhook's Secret field (WooCommerce → Settings → Advanced → Webhooks). Several, one per line, during a rotation.",
      // Letters and digits only: WordPress HTML-decodes the secret before signing, which would alter & < > " '.
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    Validations.of(this.secret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason: "The secret is also stored in the shop's WooCommerce settings: rotating it means changing the webhook too, so the owner rotates it by hand (one secret per line while both are valid).",
    });

    this.webhookFunction = new RelayFunction(this, "Function", {
      entry: WEBHOOK_ENTRY,
      description: "Turns signed WooCommerce order webhooks into queued TikTok purchase events",
      // WooCommerce waits up to 60 s, but an answer within seconds keeps its background queue moving.
      timeout: Duration.seconds(10),
      memorySize: config.ingestMemoryMb,
      logRetentionDays: config.logRetentionDays,
      traced: config.tracing,
      environment: {
        EVENTS_QUEUE_URL: props.queue.queueUrl,
        WOOCOMMERCE_WEBHOOK_SECRET_ARN: this.secret.secretArn,
        ...eventSettingsEnvironment(config),
        WOOCOMMERCE_EVENT_NAME: config.woocommerceEventName,
        WOOCOMMERCE_EVENT_ID_TEMPLATE: config.woocommerceEventIdTemplate,
        WOOCOMMERCE_PAID_STATUSES: config.woocommercePaidStatuses,
        WOOCOMMERCE_VALUE_EXCLUDES: config.woocommerceValueExcludes,
        WOOCOMMERCE_TTCLID_KEYS: config.woocommerceTtclidKeys,
        WOOCOMMERCE_TTP_KEYS: config.woocommerceTtpKeys,
        POWERTOOLS_SERVICE_NAME: "tiktok-relay-woocommerce",
      },
    });
    props.queue.grantSendMessages(this.webhookFunction);
    if (props.queue.encryptionMasterKey) this.webhookFunction.acknowledgeKmsGrants();
    this.secret.grantRead(this.webhookFunction);
    Validations.of(this.webhookFunction).acknowledge({
      id: "Serverless-LambdaDLQ",
      reason: "Invoked synchronously by API Gateway: WooCommerce sees the answer; a function DLQ only applies to asynchronous invocations.",
    });

    const method = props.api.root.addResource("woocommerce").addMethod("POST", new apigateway.LambdaIntegration(this.webhookFunction));
    for (const rule of ["AwsSolutions-APIG4", "AwsSolutions-COG4"]) {
      Validations.of(method).acknowledge({
        id: rule,
        reason: "WooCommerce cannot send a bearer key or a Cognito token: each delivery is authenticated by its HMAC-SHA256 signature, checked in constant time by the function before anything is queued.",
      });
    }
    this.url = props.api.urlForPath("/woocommerce");
  }
}
