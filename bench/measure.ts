import { performance } from "node:perf_hooks";

// Timing helpers. A figure on its own says little on a shared 2-core machine, so variants are measured
// in interleaved rounds (A, B, C, A, B, C, ...) and compared by the median of their rounds: a noisy
// neighbour slows every variant alike instead of ruining one of them.

/** One timed round: how many events went through, and what it took. */
export interface Sample {
  events: number;
  /** Calls of the workload (requests, batches) in the round. */
  calls: number;
  wallMs: number;
  /** CPU time of this process (all threads, user + system): what a Lambda would be busy for. */
  cpuMs: number;
}

/** A workload: processes some events and says how many. */
export type Workload = () => number | Promise<number>;

export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Calls `work` back to back until at least `minMs` of wall time has passed. */
export async function timed(work: Workload, minMs: number): Promise<Sample> {
  const wall0 = performance.now();
  const cpu0 = cpuMs();
  let events = 0;
  let calls = 0;
  do {
    events += await work();
    calls++;
  } while (performance.now() - wall0 < minMs);
  return { events, calls, wallMs: performance.now() - wall0, cpuMs: cpuMs() - cpu0 };
}

export interface InterleaveOptions {
  /** Untimed running of each variant first: JIT, connection pools, caches. */
  warmupMs: number;
  rounds: number;
  roundMs: number;
}

/** Runs every variant for `roundMs`, in turn, `rounds` times, after a warm-up of each. */
export async function interleave<K extends string>(
  variants: Record<K, Workload>,
  options: InterleaveOptions,
): Promise<Record<K, Sample[]>> {
  const names = Object.keys(variants) as K[];
  for (const name of names) await timed(variants[name], options.warmupMs);
  const samples = Object.fromEntries(names.map((name) => [name, [] as Sample[]])) as Record<K, Sample[]>;
  for (let round = 0; round < options.rounds; round++) {
    for (const name of names) samples[name].push(await timed(variants[name], options.roundMs));
  }
  return samples;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median over rounds of events per CPU-second: throughput per core, whatever else shares the machine. */
export function eventsPerCpuSecond(samples: Sample[]): number {
  return median(samples.map((s) => (s.events * 1000) / s.cpuMs));
}

/** Median over rounds of events per wall-second: throughput when waiting (on a network) is the limit. */
export function eventsPerWallSecond(samples: Sample[]): number {
  return median(samples.map((s) => (s.events * 1000) / s.wallMs));
}

/** Median over rounds of CPU milliseconds per call (one request, one batch). */
export function cpuMsPerCall(samples: Sample[]): number {
  return median(samples.map((s) => s.cpuMs / s.calls));
}

/** Number of the environment variable `name`, or the fallback; a bad value stops the bench with the name. */
export function knob(name: string, fallback: number, min = 0): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} is "${raw}": expected a number ≥ ${min}`);
  return value;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
