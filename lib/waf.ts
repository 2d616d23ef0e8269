import type { Stage } from "aws-cdk-lib/aws-apigateway";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";

export interface ApiFirewallProps {
  /** The API stage the web ACL protects. */
  readonly stage: Stage;
  /** Requests one IP may make in 5 minutes before it is blocked. */
  readonly rateLimit: number;
}

/**
 * An AWS WAF web ACL in front of the ingest API: AWS's IP reputation list, its common rule set, and a per-IP
 * rate rule. Optional (`-c waf=true`): it costs about $5 a month plus $1 per million requests, and the API
 * already authenticates and throttles.
 */
export class ApiFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed = (priority: number, name: string, ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name, ruleActionOverrides } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, "WebAcl", {
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("TikTokRelayApi"),
      rules: [
        managed(0, "AWSManagedRulesAmazonIpReputationList"),
        // The common rule set blocks bodies over 8 KB; a batch of events is legitimately larger (the API and
        // the ingest function enforce their own limits), so that one rule only counts.
        managed(1, "AWSManagedRulesCommonRuleSet", [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]),
        {
          name: "RatePerIp",
          priority: 2,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: "IP" } },
          visibilityConfig: visibility("RatePerIp"),
        },
      ],
    });

    new wafv2.CfnWebACLAssociation(this, "Association", {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
