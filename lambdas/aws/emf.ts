import { DIMENSIONS, ENV } from "../contract";

// One CloudWatch EMF document on stdout, as Powertools writes them (its own Console on stdout): CloudWatch reads
// it as metrics. Written by hand where Powertools would cost bytes: one document can feed several dimension
// sets, and a function that has nothing to count writes nothing (Powertools' middleware warns on every empty
// invocation instead).

export interface EmfDirective {
  dimensions: string[];
  names: string[];
}

export function writeEmf(
  service: string,
  directives: EmfDirective[],
  dimensions: Record<string, string>,
  values: Record<string, number>,
  unit: (name: string) => "Count" | "None" = () => "Count",
): void {
  // Off where Powertools' own metrics are off (tests and tools that run the entries set it).
  if (process.env.POWERTOOLS_METRICS_DISABLED === "true") return;
  const namespace = process.env[ENV.metricsNamespace] ?? "";
  const document = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: directives.map(({ dimensions: set, names }) => ({
        Namespace: namespace,
        Dimensions: [[DIMENSIONS.service, ...set]],
        Metrics: names.map((name) => ({ Name: name, Unit: unit(name) })),
      })),
    },
    [DIMENSIONS.service]: service,
    ...dimensions,
    ...values,
  };
  process.stdout.write(`${JSON.stringify(document)}\n`);
}
