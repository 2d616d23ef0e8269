import { Annotations, Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import type { RestEdge } from "../../lib/rest-edge";
import { synthRelay } from "../support/synth";

function synth(context: Record<string, unknown> = {}) {
  const synthesized = synthRelay(context);
  return { ...synthesized, alarm: synthesized.propertiesOf };
}

const { stack, template, id, alarm } = synth();
const topic = { Ref: id(stack.monitoring.alarmTopic) };
const notify = { AlarmActions: [topic], OKActions: [topic] };
const queueName = (queue: { node: { defaultChild?: unknown } }) => [
  { Name: "QueueName", Value: { "Fn::GetAtt": [id(queue), "QueueName"] } },
];
const functionName = (fn: { node: { defaultChild?: unknown } }) => [{ Name: "FunctionName", Value: { Ref: id(fn) } }];
const sender = [{ Name: "service", Value: "tiktok-relay-sender" }];

const DEFAULT_ALARMS = [
  "authorizerErrors",
  "authorizerThrottles",
  "dlqNotEmpty",
  "events4xxRate",
  "events5xxRate",
  "ingestErrors",
  "ingestThrottles",
  "ledgerErrors",
  "oldestMessageTooOld",
  "senderErrors",
  "senderThrottles",
  "tiktokFailing",
  "tiktokRejections",
  "woocommerce4xxRate",
  "woocommerce5xxRate",
  "woocommerceErrors",
  "woocommerceOrdersUnsendable",
  "woocommerceOrdersWithoutPixel",
  "woocommerceSignatureFailures",
  "woocommerceThrottles",
];

describe("alarms", () => {
  it("exposes each alarm by name; NoEventsReceived and WeakPurchaseMatch are off by default", () => {
    expect(Object.keys(stack.monitoring.alarms).sort()).toEqual(DEFAULT_ALARMS);
    template.resourceCountIs("AWS::CloudWatch::Alarm", DEFAULT_ALARMS.length);
    expect(template.findResources("AWS::CloudWatch::Alarm", { Properties: { MetricName: "NumberOfMessagesSent" } })).toEqual({});
  });

  it("LedgerErrors: fires at the first failure to read or write the delivery ledger, in the sender or the webhook", () => {
    const props = alarm(stack.monitoring.alarms.ledgerErrors);
    expect(props).toMatchObject({
      AlarmName: "Relay-LedgerErrors",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: id(stack.monitoring.alarmTopic) }],
    });
    const metrics = props.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] } };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe("FILL(sender, 0) + FILL(woocommerce, 0)");
    expect(
      metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric.MetricName, m.MetricStat!.Metric.Dimensions]),
    ).toEqual([
      ["sender", "LedgerErrors", [{ Name: "service", Value: "tiktok-relay-sender" }]],
      ["woocommerce", "LedgerErrors", [{ Name: "service", Value: "tiktok-relay-woocommerce" }]],
    ]);
  });

  it("points every alarm at the topic, on alarm and when it is over", () => {
    for (const resource of Object.values(template.findResources("AWS::CloudWatch::Alarm"))) {
      expect(resource.Properties).toMatchObject(notify);
    }
  });

  it("DlqNotEmpty: fires as soon as one event sits in the DLQ", () => {
    expect(alarm(stack.monitoring.alarms.dlqNotEmpty)).toMatchObject({
      AlarmName: "Relay-DlqNotEmpty",
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: queueName(stack.pipeline.deadLetterQueue),
      Statistic: "Maximum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      ...notify,
    });
  });

  it("OldestMessageTooOld: fires when the oldest queued event is older than 15 minutes", () => {
    expect(alarm(stack.monitoring.alarms.oldestMessageTooOld)).toMatchObject({
      AlarmName: "Relay-OldestMessageTooOld",
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: queueName(stack.pipeline.queue),
      Statistic: "Maximum",
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 900,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      ...notify,
    });
  });

  it.each([
    ["sender", "Sender"],
    ["ingest", "Ingest"],
    ["authorizer", "Authorizer"],
    ["woocommerce", "WooCommerce"],
  ] as const)("%s: errors and throttles each fire on the first in 5 minutes", (name, prefix) => {
    const fn = {
      sender: stack.pipeline.senderFunction,
      ingest: stack.ingestFunction,
      authorizer: stack.authorizerFunction,
      woocommerce: stack.woocommerce.webhookFunction,
    }[name];
    for (const [kind, metricName] of [
      ["Errors", "Errors"],
      ["Throttles", "Throttles"],
    ] as const) {
      const key = `${name}${kind}` as keyof typeof stack.monitoring.alarms;
      expect(alarm(stack.monitoring.alarms[key]!)).toMatchObject({
        AlarmName: `Relay-${prefix}${kind}`,
        Namespace: "AWS/Lambda",
        MetricName: metricName,
        Dimensions: functionName(fn),
        Statistic: "Sum",
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
        ...notify,
      });
    }
  });

  it.each([
    ["events4xxRate", "Relay-EventsApi4xxRate", "4XXError", "/events", 0.05],
    ["events5xxRate", "Relay-EventsApi5xxRate", "5XXError", "/events", 0.01],
    ["woocommerce4xxRate", "Relay-WooCommerceApi4xxRate", "4XXError", "/woocommerce", 0.05],
    ["woocommerce5xxRate", "Relay-WooCommerceApi5xxRate", "5XXError", "/woocommerce", 0.01],
  ] as const)(
    "%s: fires when the route's share of %s... over 5 minutes passes its percentage",
    (key, alarmName, metricName, resource, threshold) => {
      const api = (stack.edge as RestEdge).api;
      expect(alarm(stack.monitoring.alarms[key])).toMatchObject({
        AlarmName: alarmName,
        Namespace: "AWS/ApiGateway",
        MetricName: metricName,
        // The method's own metrics (detailed metrics are on for the stage and for /woocommerce's override).
        Dimensions: [
          { Name: "ApiName", Value: stack.resolve(api.restApiName) },
          { Name: "Method", Value: "POST" },
          { Name: "Resource", Value: resource },
          { Name: "Stage", Value: { Ref: id(api.deploymentStage) } },
        ],
        // API Gateway records 0 or 1 per request: the average is the share.
        Statistic: "Average",
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
        ...notify,
      });
    },
  );

  it("TikTokRejections: fires on any event TikTok refused, from the sender's total (no Code dimension)", () => {
    expect(alarm(stack.monitoring.alarms.tiktokRejections)).toMatchObject({
      AlarmName: "Relay-TikTokRejections",
      Namespace: "TikTokEventsRelay/Relay",
      MetricName: "EventsRejected",
      Dimensions: sender,
      Statistic: "Sum",
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      ...notify,
    });
  });

  it("TikTokFailing: fires when retries outnumber deliveries in 3 of 5 minutes, long before the DLQ", () => {
    const props = alarm(stack.monitoring.alarms.tiktokFailing);
    expect(props).toMatchObject({
      AlarmName: "Relay-TikTokFailing",
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      ...notify,
    });
    const metrics = props.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: Record<string, unknown>; Period: number };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe("IF(FILL(retried, 0) > FILL(delivered, 0), 1, 0)");
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric, m.MetricStat!.Period])).toEqual([
      ["retried", { Namespace: "TikTokEventsRelay/Relay", MetricName: "EventsRetried", Dimensions: sender }, 60],
      ["delivered", { Namespace: "TikTokEventsRelay/Relay", MetricName: "EventsDelivered", Dimensions: sender }, 60],
    ]);
  });

  const woo = (reason: string) => [
    { Name: "Reason", Value: reason },
    { Name: "service", Value: "tiktok-relay-woocommerce" },
  ];

  it("WooCommerceSignatureFailures: fires at the first signed delivery refused (wrong secret, or none on the relay)", () => {
    const props = alarm(stack.monitoring.alarms.woocommerceSignatureFailures);
    expect(props).toMatchObject({
      AlarmName: "Relay-WooCommerceSignatureFailures",
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      ...notify,
    });
    const metrics = props.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe("FILL(wrong, 0) + FILL(noSecret, 0)");
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.MetricStat!.Metric.MetricName, m.MetricStat!.Metric.Dimensions])).toEqual([
      ["DeliveriesRefused", woo("signature_wrong")],
      ["DeliveriesRefused", woo("no_secret")],
    ]);
  });

  it.each([
    ["woocommerceOrdersWithoutPixel", "Relay-WooCommerceOrdersWithoutPixel", "no_pixel"],
    ["woocommerceOrdersUnsendable", "Relay-WooCommerceOrdersUnsendable", "cannot_send"],
  ] as const)("%s: fires on the first paid order skipped for it", (key, alarmName, reason) => {
    expect(alarm(stack.monitoring.alarms[key])).toMatchObject({
      AlarmName: alarmName,
      Namespace: "TikTokEventsRelay/Relay",
      MetricName: "OrdersSkipped",
      Dimensions: woo(reason),
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      ...notify,
    });
  });

  it("names alarms after the stack and tells the reader what to do", () => {
    for (const resource of Object.values(template.findResources("AWS::CloudWatch::Alarm"))) {
      expect(resource.Properties.AlarmName).toMatch(/^Relay-/);
      expect(resource.Properties.AlarmDescription.length).toBeGreaterThan(80);
    }
  });
});

describe("NoEventsReceived alarm (noEventsAlarmHours > 0)", () => {
  const six = synth({ noEventsAlarmHours: "6" });
  const week = synth({ noEventsAlarmHours: 168 });

  it("fires when nothing reached the events queue for the configured hours, silence included", () => {
    expect(six.alarm(six.stack.monitoring.alarms.noEventsReceived!)).toMatchObject({
      AlarmName: "Relay-NoEventsReceived",
      Namespace: "AWS/SQS",
      MetricName: "NumberOfMessagesSent",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [six.id(six.stack.pipeline.queue), "QueueName"] } }],
      Statistic: "Sum",
      Period: 3600,
      EvaluationPeriods: 6,
      DatapointsToAlarm: 6,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      // An idle queue stops publishing: missing data is the very thing to report.
      TreatMissingData: "breaching",
      AlarmActions: [{ Ref: six.id(six.stack.monitoring.alarmTopic) }],
      OKActions: [{ Ref: six.id(six.stack.monitoring.alarmTopic) }],
    });
    six.template.resourceCountIs("AWS::CloudWatch::Alarm", DEFAULT_ALARMS.length + 1);
  });

  it("keeps a one-hour period up to the 168-hour maximum (CloudWatch's 7-day limit for periods ≥ 1 h)", () => {
    const props = week.alarm(week.stack.monitoring.alarms.noEventsReceived!);
    expect(props).toMatchObject({ Period: 3600, EvaluationPeriods: 168, DatapointsToAlarm: 168 });
    expect((props.Period as number) * (props.EvaluationPeriods as number)).toBeLessThanOrEqual(7 * 86_400);
  });
});

describe("api5xxAlarmPercent and api4xxAlarmPercent", () => {
  const custom = synth({ api5xxAlarmPercent: "5", api4xxAlarmPercent: "20" });

  it("set the shares that fire each route's alarms", () => {
    for (const key of ["events5xxRate", "woocommerce5xxRate"] as const) {
      expect(custom.alarm(custom.stack.monitoring.alarms[key])).toMatchObject({
        MetricName: "5XXError",
        Statistic: "Average",
        Threshold: 0.05,
      });
    }
    for (const key of ["events4xxRate", "woocommerce4xxRate"] as const) {
      expect(custom.alarm(custom.stack.monitoring.alarms[key])).toMatchObject({
        MetricName: "4XXError",
        Statistic: "Average",
        Threshold: 0.2,
      });
    }
  });
});

describe("alarm topic", () => {
  const custom = synth({ alarmEmail: "ops@example.com", oldestMessageAgeAlarmSeconds: "600" });

  it("refuses publishing without TLS", () => {
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [topic],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]),
      },
    });
  });

  it("has no subscription unless alarmEmail is set, and then synth warns that alarms would go unseen", () => {
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    Annotations.fromStack(stack).hasWarning(
      "/Relay/Monitoring/AlarmTopic",
      Match.stringLikeRegexp("Nobody is subscribed to the alarm topic.*alarmEmail"),
    );
    expect(Annotations.fromStack(custom.stack).findWarning("*", Match.stringLikeRegexp("Nobody is subscribed"))).toEqual([]);
  });

  it("subscribes alarmEmail and follows oldestMessageAgeAlarmSeconds", () => {
    custom.template.resourceCountIs("AWS::SNS::Subscription", 1);
    custom.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: { Ref: custom.id(custom.stack.monitoring.alarmTopic) },
    });
    expect(custom.alarm(custom.stack.monitoring.alarms.oldestMessageTooOld)).toMatchObject({
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 600,
    });
  });
});

type Widget = { type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: string[] } };

/** The dashboard body is a Fn::Join of JSON text and references: write each reference as <LogicalId[.Attribute]>. */
function renderDashboard(resources: ReturnType<typeof synth>["resources"]): { name: unknown; widgets: Widget[] } {
  const [dashboard, ...others] = Object.values(resources).filter((r) => r.Type === "AWS::CloudWatch::Dashboard");
  expect(others).toEqual([]);
  const [separator, parts] = (dashboard!.Properties.DashboardBody as { "Fn::Join": [string, unknown[]] })["Fn::Join"];
  const text = parts
    .map((part) => {
      if (typeof part === "string") return part;
      const { Ref, "Fn::GetAtt": getAtt } = part as { Ref?: string; "Fn::GetAtt"?: [string, string] };
      if (Ref) return `<${Ref}>`;
      if (getAtt) return `<${getAtt.join(".")}>`;
      throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(part)}`);
    })
    .join(separator);
  return { name: dashboard!.Properties.DashboardName, widgets: (JSON.parse(text) as { widgets: Widget[] }).widgets };
}

describe("dashboard", () => {
  // With every alarm, NoEventsReceived included.
  const { stack, id, resources } = synth({ noEventsAlarmHours: 24 });
  const { name, widgets } = renderDashboard(resources);
  const ref = (construct: { node: { defaultChild?: unknown } }) => `<${id(construct)}>`;
  const queue = (construct: { node: { defaultChild?: unknown } }) => `<${id(construct)}.QueueName>`;
  const widget = (title: RegExp) => {
    const found = widgets.filter((w) => title.test(w.properties.title ?? ""));
    expect(found, `one widget titled ${title}`).toHaveLength(1);
    return found[0]!.properties;
  };

  it("is named after the stack", () => {
    expect(name).toBe("Relay");
  });

  it("shows API requests, 4XX and 5XX of the stage", () => {
    const stage = [
      "ApiName",
      stack.resolve((stack.edge as RestEdge).api.restApiName),
      "Stage",
      ref((stack.edge as RestEdge).api.deploymentStage),
    ];
    expect(widget(/^API requests/).metrics).toEqual([
      ["AWS/ApiGateway", "Count", ...stage, expect.objectContaining({ stat: "Sum" })],
      ["AWS/ApiGateway", "4XXError", ...stage, expect.objectContaining({ stat: "Sum" })],
      ["AWS/ApiGateway", "5XXError", ...stage, expect.objectContaining({ stat: "Sum" })],
    ]);
  });

  it("shows the ingest function's duration, errors and throttles", () => {
    expect(widget(/^Ingest function/).metrics).toEqual([
      ["AWS/Lambda", "Duration", "FunctionName", ref(stack.ingestFunction), expect.objectContaining({ stat: "p99" })],
      ["AWS/Lambda", "Errors", "FunctionName", ref(stack.ingestFunction), expect.objectContaining({ stat: "Sum" })],
      ["AWS/Lambda", "Throttles", "FunctionName", ref(stack.ingestFunction), expect.objectContaining({ stat: "Sum" })],
    ]);
  });

  it("shows the events queue's depth and the age of its oldest event, and the DLQ's depth", () => {
    const events = ["QueueName", queue(stack.pipeline.queue)];
    expect(widget(/^Events queue/).metrics).toEqual([
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", ...events, expect.objectContaining({ stat: "Maximum", period: 60 })],
      ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", ...events, expect.objectContaining({ stat: "Maximum", period: 60 })],
      ["AWS/SQS", "ApproximateAgeOfOldestMessage", ...events, expect.objectContaining({ stat: "Maximum", yAxis: "right" })],
    ]);
    expect(widget(/^Dead-letter queue/).metrics).toEqual([
      [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        queue(stack.pipeline.deadLetterQueue),
        expect.objectContaining({ stat: "Maximum" }),
      ],
    ]);
  });

  it("shows the events queued (every accepted event is one message) and the sender's outcomes per minute, from the totals", () => {
    const perMinute = expect.objectContaining({ stat: "Sum", period: 60 });
    const [queued, ...outcomes] = widget(/^Events per minute/).metrics as unknown[][];
    expect(queued).toEqual(["AWS/SQS", "NumberOfMessagesSent", "QueueName", expect.anything(), perMinute]);
    expect(outcomes).toEqual(
      ["EventsDelivered", "EventsRetried", "EventsDeadLettered", "EventsTooOld", "EventsAlreadyDelivered"].map((metric) => [
        "TikTokEventsRelay/Relay",
        metric,
        "service",
        "tiktok-relay-sender",
        perMinute,
      ]),
    );
  });

  it("breaks TikTok's answers down by code and reason with SEARCH", () => {
    expect(widget(/^TikTok error codes/).metrics).toEqual([
      [
        expect.objectContaining({
          expression: `SEARCH('{TikTokEventsRelay/Relay,Code,service} MetricName="EventsRejected" service="tiktok-relay-sender"', 'Sum', 300)`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudWatch's own label syntax, not a template.
          label: "rejected ${PROP('Dim.Code')}",
        }),
      ],
      [
        expect.objectContaining({
          expression: `SEARCH('{TikTokEventsRelay/Relay,Reason,service} MetricName="EventsRetried" service="tiktok-relay-sender"', 'Sum', 300)`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudWatch's own label syntax, not a template.
          label: "retried ${PROP('Dim.Reason')}",
        }),
      ],
    ]);
  });

  it("shows the sender's duration (p50, p99, max), invocations, errors and throttles", () => {
    const sender = ["FunctionName", ref(stack.pipeline.senderFunction)];
    expect(widget(/^Sender duration/).metrics).toEqual(
      ["p50", "p99", "Maximum"].map((stat) => ["AWS/Lambda", "Duration", ...sender, expect.objectContaining({ stat })]),
    );
    expect(widget(/^Sender invocations/).metrics).toEqual(
      ["Invocations", "Errors", "Throttles"].map((metric) => ["AWS/Lambda", metric, ...sender, expect.objectContaining({ stat: "Sum" })]),
    );
  });

  it("shows the state of every alarm, NoEventsReceived included when configured", () => {
    const [status, ...more] = widgets.filter((w) => w.type === "alarm");
    expect(more).toEqual([]);
    const expected = Object.values(stack.monitoring.alarms).map((a) => `<${id(a)}.Arn>`);
    expect(expected).toHaveLength(DEFAULT_ALARMS.length + 1);
    expect(status!.properties.alarms).toEqual(expected);
  });
});

describe("match quality (issue: identifier coverage)", () => {
  const { stack, id, resources, alarm } = synth({ strongKeyAlarmPercent: "80" });
  const { widgets } = renderDashboard(resources);
  const titled = (title: RegExp) => widgets.filter((w) => title.test(w.properties.title ?? "")).map((w) => w.properties);
  // Both functions that accept events (ingest and WooCommerce) publish match quality under this one service.
  const matchQuality = (metric: string) => ["TikTokEventsRelay/Relay", metric, "service", "tiktok-relay-events"];

  it("charts the share of events carrying each key, summed over destinations and event names with SEARCH", () => {
    const [coverage] = titled(/^Match keys/);
    const expressions = coverage!.metrics!.map((m) => m[0] as { expression: string; label: string });
    expect(expressions.map((e) => e.label)).toEqual(["email", "phone", "ttclid", "external_id", "ttp", "ip", "user agent"]);
    expect(expressions[0]!.expression).toBe(
      `100 * SUM(SEARCH('{TikTokEventsRelay/Relay,EventName,Destination,service} MetricName="WithEmail" service="tiktok-relay-events"', 'Sum', 3600)) / SUM(SEARCH('{TikTokEventsRelay/Relay,EventName,Destination,service} MetricName="Events" service="tiktok-relay-events"', 'Sum', 3600))`,
    );
  });

  it("charts the coverage score per event name and destination, and the share of purchases with a strong key", () => {
    expect(JSON.stringify(titled(/^Coverage score/)[0]!.metrics)).toContain('MetricName=\\"CoverageScore\\"');
    const strong = JSON.stringify(titled(/^Purchases with/)[0]!.metrics);
    expect(strong).toContain("100 * strong / purchases");
    expect(strong).toContain(JSON.stringify(matchQuality("PurchasesWithStrongKey")).slice(1, -1));
  });

  it("alarms when fewer than strongKeyAlarmPercent of purchases carry a strong key over an hour", () => {
    const props = alarm(stack.monitoring.alarms.weakPurchases!);
    expect(props).toMatchObject({
      AlarmName: "Relay-WeakPurchaseMatch",
      Threshold: 80,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: id(stack.monitoring.alarmTopic) }],
    });
    const metrics = props.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] }; Period: number };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe("100 * strong / purchases");
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric.MetricName, m.MetricStat!.Period])).toEqual([
      ["strong", "PurchasesWithStrongKey", 3600],
      ["purchases", "Purchases", 3600],
    ]);
    // The service both the ingest and the WooCommerce functions publish purchases under (the WooCommerce
    // entry's test in test/handlers/lambda-entries.test.ts shows an order counted there).
    for (const m of metrics.filter((m) => m.MetricStat)) {
      expect(m.MetricStat!.Metric.Dimensions).toEqual([{ Name: "service", Value: "tiktok-relay-events" }]);
    }
  });

  it("has no such alarm by default", () => {
    expect(synth().stack.monitoring.alarms.weakPurchases).toBeUndefined();
  });
});
