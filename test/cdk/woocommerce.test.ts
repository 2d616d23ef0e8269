import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { synthRelay } from "../support/synth";

// POST /woocommerce in the deployed stack: its own function, authenticated by the webhook signature inside it.

const synth = (context: Record<string, unknown> = {}) => synthRelay({ pixelCode: "C4ABCDEFGH12345", ...context });

const { stack, template, id } = synth();
const fn = stack.woocommerce.webhookFunction;

describe("WooCommerce webhook", () => {
  it("routes POST /woocommerce to its function without the key authorizer (the signature is checked inside)", () => {
    const [resourceId] = Object.keys(template.findResources("AWS::ApiGateway::Resource", { Properties: { PathPart: "woocommerce" } }));
    template.hasResourceProperties("AWS::ApiGateway::Method", {
      HttpMethod: "POST",
      ResourceId: { Ref: resourceId },
      AuthorizationType: "NONE",
      Integration: { Type: "AWS_PROXY", Uri: { "Fn::Join": ["", Match.arrayWith([{ "Fn::GetAtt": [id(fn), "Arn"] }])] } },
    });
  });

  it("generates a 40-character letters-and-digits webhook secret (WordPress HTML-decodes punctuation)", () => {
    expect(template.toJSON().Resources[id(stack.woocommerce.secret)].Properties).toMatchObject({
      GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true },
    });
  });

  it("gives the function the queue, its secret and the order settings, with their defaults", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          EVENTS_QUEUE_URL: { Ref: id(stack.pipeline.queue) },
          WOOCOMMERCE_WEBHOOK_SECRET_ARN: { Ref: id(stack.woocommerce.secret) },
          TIKTOK_PIXEL_CODE: "C4ABCDEFGH12345",
          WOOCOMMERCE_EVENT_NAME: "Purchase",
          WOOCOMMERCE_TEST_EVENT_CODE: Match.absent(),
          WOOCOMMERCE_EVENT_ID_TEMPLATE: "wc_order_{id}",
          WOOCOMMERCE_PAID_STATUSES: "processing,completed",
          WOOCOMMERCE_VALUE_EXCLUDES: "",
          WOOCOMMERCE_TTCLID_KEYS: "ttclid,_ttclid",
          WOOCOMMERCE_TTP_KEYS: "_ttp,ttp",
        }),
      },
    });
  });

  it("may send to the events queue, read its own secret and look up the delivery ledger, nothing more", () => {
    const statements = Object.values(
      template.findResources("AWS::IAM::Policy", { Properties: { Roles: [{ Ref: id(fn.role! as never) }] } }),
    )
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => ![s.Action].flat().every((a) => a.startsWith("logs:")))
      // its tenant and webhook items: see tenants.test.ts
      .filter((s) => !JSON.stringify(s.Resource).includes("Tenants"));
    expect(statements.map((s) => s.Resource)).toEqual([
      { "Fn::GetAtt": [id(stack.pipeline.queue), "Arn"] },
      { Ref: id(stack.woocommerce.secret) },
      [{ "Fn::GetAtt": [id(stack.ledger.table), "Arn"] }],
    ]);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      "dynamodb:BatchGetItem",
      "dynamodb:GetItem",
      "dynamodb:Query",
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:SendMessage",
    ]);
  });

  it("outputs the delivery URL and the secret's ARN", () => {
    const outputs = template.toJSON().Outputs;
    expect(JSON.stringify(outputs.WooCommerceUrl.Value)).toContain("/woocommerce");
    expect(outputs.WooCommerceWebhookSecretArn.Value).toEqual({ Ref: id(stack.woocommerce.secret) });
  });

  it("follows the context settings and refuses a template without a placeholder", () => {
    synth({ woocommerceEventName: "CompletePayment", woocommerceValueExcludes: "shipping,tax" }).template.hasResourceProperties(
      "AWS::Lambda::Function",
      {
        Environment: {
          Variables: Match.objectLike({ WOOCOMMERCE_EVENT_NAME: "CompletePayment", WOOCOMMERCE_VALUE_EXCLUDES: "shipping,tax" }),
        },
      },
    );
    expect(() => synth({ woocommerceEventIdTemplate: "order" })).toThrow(/woocommerceEventIdTemplate/);
    expect(() => synth({ woocommerceValueExcludes: "fees" })).toThrow(/woocommerceValueExcludes/);
  });
});
