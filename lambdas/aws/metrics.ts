import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Counter } from "../core/reports";

/** Sender outcome counts as CloudWatch EMF metrics: written to the log, no PutMetricData calls. */
export function metricsCounter(metrics: Metrics): Counter {
  return (metric, value, dimension) => {
    if (!dimension) return void metrics.addMetric(metric, MetricUnit.Count, value);
    // A dimension only for this data point (e.g. the TikTok code), not for every metric of the invocation.
    const single = metrics.singleMetric();
    single.addDimension(dimension.name, dimension.value);
    single.addMetric(metric, MetricUnit.Count, value);
  };
}
