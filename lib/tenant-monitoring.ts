import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type { Construct } from "constructs";
import { DIMENSIONS, SERVICES, type SenderMetric } from "../lambdas/contract";
import { metricsNamespace } from "./relay-function";

// Per-tenant visibility: the sender counts delivered, retried and dead-lettered events with a Tenant
// dimension (a name the operator created, never a caller's input). The dashboard shows every tenant and, with
// its "Tenant" variable, one; the tenants listed in the tenantAlarms context get alarms that name them.

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);
const TENANT_METRICS: SenderMetric[] = ["EventsDelivered", "EventsRetried", "EventsDeadLettered"];

/** One tenant's count of a sender outcome. */
export function tenantMetric(scope: Construct, metricName: SenderMetric, tenant: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricsNamespace(scope),
    metricName,
    dimensionsMap: { [DIMENSIONS.service]: SERVICES.sender, [DIMENSIONS.tenant]: tenant },
    statistic: cloudwatch.Stats.SUM,
    period,
    label: `${tenant} ${metricName}`,
  });
}

/** The alarms of one tenant, as props for the stack's alarm factory (which names them and wires the topic). */
export function tenantAlarmProps(scope: Construct, tenant: string): Record<string, cloudwatch.AlarmProps> {
  return {
    [`Tenant-${tenant}-DeadLettered`]: {
      metric: tenantMetric(scope, "EventsDeadLettered", tenant, FIVE_MINUTES),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Tenant ${tenant}: events reached the dead-letter queue. npm run dlq -- peek --stack <stack> --tenant ${tenant} says why (40001/40105: the tenant's token; npm run tenants -- set-token ${tenant}); then npm run redrive -- --stack <stack> --tenant ${tenant}.`,
    },
    [`Tenant-${tenant}-Failing`]: {
      metric: new cloudwatch.MathExpression({
        expression: "IF(FILL(retried, 0) > FILL(delivered, 0), 1, 0)",
        usingMetrics: {
          retried: tenantMetric(scope, "EventsRetried", tenant, ONE_MINUTE),
          delivered: tenantMetric(scope, "EventsDelivered", tenant, ONE_MINUTE),
        },
        period: ONE_MINUTE,
        label: `${tenant}: minutes where retries outnumber deliveries`,
      }),
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Tenant ${tenant}: for 3 of the last 5 minutes its events were retried more than delivered (a revoked token, a pixel the token may not use, throttling). Other tenants are not held up. Check the sender's log for tenant=${tenant}.`,
    },
  };
}

/** The dashboard variable that switches the "one tenant" widget to the chosen tenant. */
export function tenantVariable(scope: Construct): cloudwatch.IVariable {
  return new cloudwatch.DashboardVariable({
    id: "tenant",
    type: cloudwatch.VariableType.PROPERTY,
    inputType: cloudwatch.VariableInputType.SELECT,
    value: DIMENSIONS.tenant,
    label: "Tenant",
    values: cloudwatch.Values.fromSearchComponents({
      namespace: metricsNamespace(scope),
      dimensions: [DIMENSIONS.service, DIMENSIONS.tenant],
      metricName: "EventsDelivered",
      populateFrom: DIMENSIONS.tenant,
    }),
    defaultValue: cloudwatch.DefaultValue.FIRST,
    visible: true,
  });
}

/** Every tenant's flow side by side, and one tenant's (the variable's choice). */
export function tenantRow(scope: Construct, firstTenant: string): cloudwatch.IWidget[] {
  const search = (metricName: SenderMetric) =>
    new cloudwatch.MathExpression({
      expression: `SEARCH('{${metricsNamespace(scope)},${DIMENSIONS.service},${DIMENSIONS.tenant}} MetricName="${metricName}" ${DIMENSIONS.service}="${SERVICES.sender}"', 'Sum', 300)`,
      usingMetrics: {},
      period: FIVE_MINUTES,
      label: `${metricName} \${PROP('Dim.${DIMENSIONS.tenant}')}`,
    });
  return [
    new cloudwatch.GraphWidget({
      title: "Tenants: events dead-lettered and retried, by tenant",
      left: [search("EventsDeadLettered"), search("EventsRetried")],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: "One tenant (choose it in the Tenant variable above)",
      left: TENANT_METRICS.map((metric) => tenantMetric(scope, metric, firstTenant, FIVE_MINUTES)),
      width: 12,
    }),
  ];
}
