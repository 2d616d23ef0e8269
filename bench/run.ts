// `npm run bench`: every figure of issue 7 measured side by side in one run, as one markdown report on
// stdout and in bench/results.md. It reports; it asserts nothing (targets are printed next to the figures).
// Progress goes to stderr.

// Before anything imports the AWS SDK: its Node-version notice is not a figure.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const { writeFileSync } = await import("node:fs");
const os = await import("node:os");
const { performance } = await import("node:perf_hooks");
const { knob } = await import("./measure");
const { bullets, table, yesNo } = await import("./report");
type SectionReport = import("./report").SectionReport;

const quick = process.env.BENCH_QUICK === "1";
const knobs = {
  BENCH_ROUNDS: knob("BENCH_ROUNDS", quick ? 2 : 5, 1),
  BENCH_ROUND_MS: knob("BENCH_ROUND_MS", quick ? 150 : 400, 10),
  BENCH_SENDER_ROUND_MS: knob("BENCH_SENDER_ROUND_MS", quick ? 300 : 1000, 10),
  BENCH_TIKTOK_LATENCY_MS: knob("BENCH_TIKTOK_LATENCY_MS", 20),
  BENCH_PER_EVENT_CONCURRENCY: knob("BENCH_PER_EVENT_CONCURRENCY", 10, 1),
  BENCH_COLD_RUNS: knob("BENCH_COLD_RUNS", quick ? 3 : 15, 1),
  BENCH_ENTRY_RUNS: knob("BENCH_ENTRY_RUNS", quick ? 5 : 20, 1),
  BENCH_LOAD_SECONDS: knob("BENCH_LOAD_SECONDS", quick ? 5 : 30, 1),
  BENCH_LOAD_CONNECTIONS: knob("BENCH_LOAD_CONNECTIONS", 20, 1),
  BENCH_LOAD_BATCH: knob("BENCH_LOAD_BATCH", 10, 1),
  BENCH_LOAD_MAX_EVENTS: knob("BENCH_LOAD_MAX_EVENTS", 1_000_000, 1),
  BENCH_DRAIN_SECONDS: knob("BENCH_DRAIN_SECONDS", 30, 1),
  BENCH_BATCHING_WINDOW_MS: knob("BENCH_BATCHING_WINDOW_MS", 200),
  BENCH_CAPACITY_TIKTOK_MS: knob("BENCH_CAPACITY_TIKTOK_MS", 300, 1),
};

const t0 = performance.now();
const progress = (line: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

const sections: SectionReport[] = [];
const failures: string[] = [];
async function section<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    progress(`${name} FAILED: ${reason}`);
    failures.push(`${name}: ${reason}`);
    return undefined;
  }
}

const interleaving = { warmupMs: knobs.BENCH_ROUND_MS, rounds: knobs.BENCH_ROUNDS, roundMs: knobs.BENCH_ROUND_MS };

// Cold start first: it spawns fresh processes and wants the machine quiet.
const cold = await section("cold start", async () =>
  (await import("./cold-start")).benchColdStart({ runs: knobs.BENCH_COLD_RUNS }, progress),
);
if (cold) sections.push(cold);

const ingest = await section("ingest", async () => (await import("./ingest")).benchIngest(interleaving, progress));
if (ingest) sections.push(ingest.report);

const sender = await section("sender", async () =>
  (await import("./sender")).benchSender(
    {
      ...interleaving,
      roundMs: knobs.BENCH_SENDER_ROUND_MS,
      latencyMs: knobs.BENCH_TIKTOK_LATENCY_MS,
      perEventConcurrency: knobs.BENCH_PER_EVENT_CONCURRENCY,
    },
    progress,
  ),
);
if (sender) sections.push(sender.report);

if (sender) {
  const cost = await section("cost", async () =>
    (await import("./cost")).benchCost(
      { queueMessageBytes: sender.queueMessageBytes, tiktokBytesPerEvent: sender.bytesPerEvent, latencyMs: knobs.BENCH_TIKTOK_LATENCY_MS },
      { runs: knobs.BENCH_ENTRY_RUNS },
      progress,
    ),
  );
  if (cost) sections.push(cost);
  const ledger = await section("ledger", async () =>
    (await import("./ledger")).benchLedger(
      { latencyMs: knobs.BENCH_TIKTOK_LATENCY_MS, runs: quick ? 2 : 5 },
      cost?.batchedPerEvent,
      progress,
    ),
  );
  if (ledger) sections.push(ledger);
  const capacity = await section("capacity", async () =>
    (await import("./capacity")).benchCapacity(
      { ...interleaving, tiktokMs: knobs.BENCH_CAPACITY_TIKTOK_MS, ingestMs: cost?.ingestBilledMs },
      progress,
    ),
  );
  if (capacity) sections.push(capacity);
} else {
  failures.push("cost: skipped, it needs the sender's figures");
}

const load = await section("load", async () =>
  (await import("./load")).benchLoad(
    {
      seconds: knobs.BENCH_LOAD_SECONDS,
      connections: knobs.BENCH_LOAD_CONNECTIONS,
      eventsPerRequest: knobs.BENCH_LOAD_BATCH,
      maxEvents: knobs.BENCH_LOAD_MAX_EVENTS,
      drainSeconds: knobs.BENCH_DRAIN_SECONDS,
      latencyMs: knobs.BENCH_TIKTOK_LATENCY_MS,
      batchingWindowMs: knobs.BENCH_BATCHING_WINDOW_MS,
    },
    progress,
  ),
);
if (load) sections.push(load);

// Summary in the order a reader asks: is it fast, does it batch, does it start quickly, what does it cost.
const order = ["Ingest", "Sender", "Cold start", "Cost", "Capacity", "Load (local)"];
const summary = sections.flatMap((s) => s.summary).sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
const report = [
  "# tiktok-events-relay benchmarks",
  "",
  `${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu} · ${os.cpus().length} cores · ${os.type()} ${os.release()} · ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM · whole run ${Math.round((performance.now() - t0) / 1000)} s${quick ? " · **BENCH_QUICK smoke run**" : ""}`,
  "",
  `Knobs: ${Object.entries(knobs)
    .map(([name, value]) => `${name}=${value}`)
    .join(", ")}`,
  "",
  "Every figure is measured in this run and set against a reference measured in the same run (a floor, an alternative, an empty process): read the ratios, not the absolute times, which depend on the machine.",
  "",
  table(
    ["", "figure", "measured", "compared with (same run)", "target", "met"],
    summary.map((row) => [row.section, row.figure, row.measured, row.against, row.target ?? "", yesNo(row.met)]),
  ),
  ...(failures.length > 0 ? ["", "**Sections that did not complete:**", "", bullets(failures)] : []),
  ...sections.flatMap((s) => ["", `## ${s.title}`, "", s.detail]),
  "",
].join("\n");

process.stdout.write(report);
const resultsPath = new URL("./results.md", import.meta.url);
writeFileSync(resultsPath, report);
progress(`done; written to bench/results.md`);
process.exitCode = failures.length > 0 ? 1 : 0;

// Every server and child is closed by now; should a handle linger anyway, do not hang the terminal.
setTimeout(() => {
  process.stderr.write("bench: something kept the process alive after the report; exiting\n");
  process.exit(process.exitCode);
}, 2000).unref();
