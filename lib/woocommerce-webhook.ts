import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV, INTEGER_SETTINGS, SERVICES } from "../lambdas/contract";
import type { RelayConfig } from "./config";
import type { DeliveryLedgerTable } from "./delivery-ledger";
import { type EventSettings, eventSettingsEnvironment } from "./event-settings";
import { acknowledgeSynchronous } from "./ingest-functions";
import { grantSendOnly } from "./queue-grants";
import { RelayFunction } from "./relay-function";

const WEBHOOK_ENTRY = fileURLToPath(new URL("../lambdas/woocommerce/index.ts", import.meta.url));

export interface WooCommerceWebhookProps {
  readonly queue: IQueue;
  /** Read to answer "already sent" for an order whose purchase TikTok accepted. */
  readonly ledger: DeliveryLedgerTable;
  readonly config: EventSettings &
    Pick<
      RelayConfig,
      | "ingestMemoryMb"
      | "maxBodyBytes"
      | "logRetentionDays"
      | "tracing"
      | "woocommerceEventName"
      | "woocommerceTestEventCode"
      | "woocommerceEventIdTemplate"
      | "woocommercePaidStatuses"
      | "woocommerceValueExcludes"
      | "woocommerceTtclidKeys"
      | "woocommerceTtpKeys"
      | "ledgerScope"
      | "ledgerDays"
    >;
}

/**
 * The function behind POST /woocommerce and its webhook secret: WooCommerce order webhooks, authenticated by
 * their HMAC signature inside the function (WooCommerce cannot send a bearer key), turned into purchase
 * events on the same queue. The edge (lib/rest-edge.ts) routes to it. Keep the construct id ("WooCommerce"):
 * the secret's CloudFormation name comes from it, and a new secret would break every shop's webhook.
 */
export class WooCommerceWebhook extends Construct {
  public readonly secret: secretsmanager.Secret;
  public readonly webhookFunction: RelayFunction;

  constructor(scope: Construct, id: string, props: WooCommerceWebhookProps) {
    super(scope, id);
    const { config } = props;

    this.secret = new secretsmanager.Secret(this, "Secret", {
      description:
        "WooCommerce webhook secret: paste it into the webhook's Secret field (WooCommerce → Settings → Advanced → Webhooks). Several, one per line, during a rotation.",
      // Letters and digits only: WordPress HTML-decodes the secret before signing, which would alter & < > " '.
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      // Kept by `cdk destroy` and by a change of its logical id: a new secret would break the shop's webhook.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "The secret is also stored in the shop's WooCommerce settings: rotating it means changing the webhook too, so the owner rotates it by hand (one secret per line while both are valid).",
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
        [ENV.eventsQueueUrl]: props.queue.queueUrl,
        [ENV.webhookSecretArn]: this.secret.secretArn,
        // Bodies above it are refused before the secret is read (WooCommerce orders are far smaller).
        [INTEGER_SETTINGS.maxBodyBytes.env]: String(config.maxBodyBytes),
        ...eventSettingsEnvironment(config),
        [ENV.woocommerceEventName]: config.woocommerceEventName,
        [ENV.woocommerceEventIdTemplate]: config.woocommerceEventIdTemplate,
        [ENV.woocommercePaidStatuses]: config.woocommercePaidStatuses,
        [ENV.woocommerceValueExcludes]: config.woocommerceValueExcludes,
        [ENV.woocommerceTtclidKeys]: config.woocommerceTtclidKeys,
        [ENV.woocommerceTtpKeys]: config.woocommerceTtpKeys,
        [ENV.ledgerTable]: props.ledger.table.tableName,
        [ENV.ledgerScope]: config.ledgerScope,
        [INTEGER_SETTINGS.ledgerDays.env]: String(config.ledgerDays),
        ...(config.woocommerceTestEventCode ? { [ENV.woocommerceTestEventCode]: config.woocommerceTestEventCode } : {}),
        [ENV.serviceName]: SERVICES.woocommerce,
      },
    });
    grantSendOnly(props.queue, this.webhookFunction);
    this.secret.grantRead(this.webhookFunction);
    props.ledger.grantLookup(this.webhookFunction);
    acknowledgeSynchronous(this.webhookFunction);
  }
}
