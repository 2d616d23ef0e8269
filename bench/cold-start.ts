import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { type BuildOptions, build } from "esbuild";
import { PROJECT_ROOT, startChild } from "./child";
import { median } from "./measure";
import { bullets, kb, ms, num, ratio, type SectionReport, type SummaryRow, table } from "./report";
import type { StackBundle } from "./stack-bundles";

// What a cold start has to load: each handler bundled as the stack bundles it, its size, and the time a
// fresh Node process takes to import it (module init included), next to a fresh process importing nothing.

export const HANDLERS = ["authorizer", "ingest", "sender", "woocommerce"] as const;
type HandlerName = (typeof HANDLERS)[number];

export const TARGET_BYTES = 500 * 1024;
export const TARGET_LOAD_MS = 150;

/** The bundling options of lib/relay-function.ts, as `cdk synth` hands them to esbuild. */
const STACK_BUNDLING: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  mainFields: ["module", "main"],
  banner: {
    js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);",
  },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
};

/** The two choices for the AWS SDK: in the bundle (tested version), or the one the Lambda runtime ships. */
const VARIANTS = {
  bundled: { label: "AWS SDK bundled", externalModules: [] as string[] },
  runtimeSdk: { label: "AWS SDK from the runtime", externalModules: ["@aws-sdk/*"] },
} as const;
type Variant = keyof typeof VARIANTS;

/** Where a bundle's bytes come from, by package family: what a smaller bundle would have to drop. */
function parts(inputs: Record<string, { bytesInOutput: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const family = !pkg
      ? "relay code"
      : /^@(aws-sdk|smithy|aws-crypto)\//.test(pkg)
        ? "AWS SDK"
        : pkg.startsWith("@aws-lambda-powertools/")
          ? "Powertools"
          : pkg;
    out[family] = (out[family] ?? 0) + bytesInOutput;
  }
  return out;
}

/** What each entry reads at import (requiredEnv): dummy values, so module init runs and touches no network. */
const ENTRY_ENV = {
  AWS_REGION: "us-east-1",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  // As the stack sets it on every function (lib/relay-function.ts): source maps are read at load.
  NODE_OPTIONS: "--enable-source-maps",
  POWERTOOLS_SERVICE_NAME: "tiktok-relay-bench",
  EVENTS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/tiktok-relay-events",
  DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/tiktok-relay-dlq",
  INGEST_API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ingest-key-AbCdEf",
  TIKTOK_ACCESS_TOKEN_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:tiktok-token-AbCdEf",
  WOOCOMMERCE_WEBHOOK_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:woo-secret-AbCdEf",
  TIKTOK_PIXEL_CODE: "C4ABCDEFGH12345",
};

// Runs in the fresh process: import time measured from inside, so process start-up noise stays out of it.
const LOADER = `
const t0 = performance.now();
const module = await import(process.env.BENCH_MODULE);
const importMs = performance.now() - t0;
if (process.env.BENCH_EXPECT_HANDLER && typeof module.handler !== "function") throw new Error("no handler export");
process.stdout.write(JSON.stringify({ importMs }));
`;

interface Load {
  importMs: number;
  processMs: number;
}

function loadOnce(moduleUrl: string, expectHandler: boolean): Load {
  const started = performance.now();
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", LOADER], {
    // Only what a Lambda would have: nothing of the bench's own environment (tsx, knobs).
    env: { PATH: process.env.PATH, ...ENTRY_ENV, BENCH_MODULE: moduleUrl, ...(expectHandler ? { BENCH_EXPECT_HANDLER: "1" } : {}) },
    encoding: "utf8",
  });
  const processMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`loading ${moduleUrl} failed: ${result.stderr.trim().slice(0, 500)}`);
  return { importMs: (JSON.parse(result.stdout) as { importMs: number }).importMs, processMs };
}

export interface ColdStartOptions {
  runs: number;
}

export async function benchColdStart(options: ColdStartOptions, progress: (line: string) => void): Promise<SectionReport> {
  // Inside the project, so that a bundle importing "@aws-sdk/..." finds node_modules as a Lambda finds the runtime's.
  const outRoot = join(PROJECT_ROOT, "bench", ".out", "cold-start");
  rmSync(outRoot, { recursive: true, force: true });
  try {
    progress("cold start: bundling the four handlers, both ways");
    type Bundle = { path: string; bytes: number; sha256: string; parts: Record<string, number> };
    const bundles = {} as Record<Variant, Record<HandlerName, Bundle>>;
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      bundles[variant] = {} as Record<HandlerName, Bundle>;
      for (const handler of HANDLERS) {
        const dir = join(outRoot, variant, handler);
        mkdirSync(dir, { recursive: true });
        const outfile = join(dir, "index.mjs");
        const result = await build({
          ...STACK_BUNDLING,
          metafile: true,
          absWorkingDir: PROJECT_ROOT,
          entryPoints: [`lambdas/${handler}/index.ts`],
          outfile,
          external: [...VARIANTS[variant].externalModules],
          logLevel: "silent",
        });
        const code = readFileSync(outfile);
        const output = Object.entries(result.metafile!.outputs).find(([name]) => name.endsWith("index.mjs"))![1];
        bundles[variant][handler] = {
          path: outfile,
          bytes: code.length,
          sha256: createHash("sha256").update(code).digest("hex"),
          parts: parts(output.inputs),
        };
      }
    }

    progress("cold start: synthesizing the stack to compare its bundles");
    let stack: Record<string, StackBundle> | undefined;
    let stackError: string | undefined;
    const synth = await startChild("./stack-bundles.ts", { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
    try {
      stack = await synth.call<Record<string, StackBundle>>("synth");
    } catch (error) {
      stackError = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    } finally {
      await synth.stop();
    }
    // The stack's current choice is whichever of our builds it matches byte for byte. Other people edit
    // the handlers while the bench runs, so one handler may differ without the options having changed.
    const identical = (variant: Variant) => HANDLERS.filter((h) => stack?.[h]?.sha256 === bundles[variant][h].sha256);
    const current: Variant | undefined = (Object.keys(VARIANTS) as Variant[])
      .filter((variant) => identical(variant).length > 0)
      .sort((a, b) => identical(b).length - identical(a).length)[0];

    progress(`cold start: ${options.runs} fresh processes per bundle`);
    const loads = {} as Record<Variant, Record<HandlerName, Load[]>>;
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      loads[variant] = Object.fromEntries(HANDLERS.map((h) => [h, [] as Load[]])) as Record<HandlerName, Load[]>;
    }
    const empty: Load[] = [];
    const emptyModule = "data:text/javascript,";
    loadOnce(emptyModule, false); // the first spawn pays for the node binary's page-in
    for (let run = 0; run < options.runs; run++) {
      empty.push(loadOnce(emptyModule, false));
      for (const variant of Object.keys(VARIANTS) as Variant[]) {
        for (const handler of HANDLERS) loads[variant][handler].push(loadOnce(pathToFileURL(bundles[variant][handler].path).href, true));
      }
    }

    const mainVariant: Variant = current ?? "bundled";
    const importMs = (variant: Variant, h: HandlerName) => median(loads[variant][h].map((l) => l.importMs));
    const processMs = (variant: Variant, h: HandlerName) => median(loads[variant][h].map((l) => l.processMs));
    const emptyProcessMs = median(empty.map((l) => l.processMs));
    const emptyImportMs = median(empty.map((l) => l.importMs));
    const over = HANDLERS.filter((h) => bundles[mainVariant][h].bytes >= TARGET_BYTES);
    const slow = HANDLERS.filter((h) => importMs(mainVariant, h) >= TARGET_LOAD_MS);
    const slowest = [...HANDLERS].sort((a, b) => importMs(mainVariant, b) - importMs(mainVariant, a))[0]!;
    const other: Variant = mainVariant === "bundled" ? "runtimeSdk" : "bundled";
    const stackNote =
      current !== undefined
        ? `${identical(current).length} of ${HANDLERS.length} of the stack's bundles (from \`cdk synth\`) are byte-identical to the "${VARIANTS[current].label}" builds: that is the stack's current setting` +
          (identical(current).length < HANDLERS.length
            ? " (a bundle that differs had its sources edited between the two builds, or the options drifted)"
            : "")
        : stack !== undefined
          ? "**the stack's bundles (from `cdk synth`) match neither build**: lib/relay-function.ts has bundling options this bench does not mirror; update STACK_BUNDLING in bench/cold-start.ts"
          : `the stack could not be synthesized to compare (${stackError}); the figures assume its setting is "${VARIANTS.bundled.label}"`;

    const summary: SummaryRow[] = [
      {
        section: "Cold start",
        figure: `bundle size, minified (${VARIANTS[mainVariant].label}: the stack's setting)`,
        measured: HANDLERS.map((h) => `${h} ${kb(bundles[mainVariant][h].bytes)}`).join(", "),
        against: `${VARIANTS[other].label}: ${HANDLERS.map((h) => kb(bundles[other][h].bytes)).join(", ")}`,
        target: "< 500 KB each",
        met: over.length === 0,
      },
      {
        section: "Cold start",
        figure: "time to import the bundle in a fresh Node process (median)",
        measured: HANDLERS.map((h) => `${h} ${ms(importMs(mainVariant, h))}`).join(", "),
        against: `empty script: whole process ${ms(emptyProcessMs)}; slowest (${slowest}) whole process ${ms(processMs(mainVariant, slowest))} = ${ratio(processMs(mainVariant, slowest) / emptyProcessMs)} the empty one. ${VARIANTS[other].label}: ${HANDLERS.map((h) => ms(importMs(other, h))).join(", ")}`,
        target: "< 150 ms each",
        met: slow.length === 0,
      },
    ];

    const geomean = (values: number[]) => Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
    const change = (ratioValue: number, smaller: string, larger: string) =>
      ratioValue < 1 ? `${num((1 - ratioValue) * 100, 2)}% ${smaller}` : `${num((ratioValue - 1) * 100, 2)}% ${larger}`;
    const sizeChange = change(geomean(HANDLERS.map((h) => bundles.runtimeSdk[h].bytes / bundles.bundled[h].bytes)), "smaller", "larger");
    const importChange = change(geomean(HANDLERS.map((h) => importMs("runtimeSdk", h) / importMs("bundled", h))), "faster", "slower");
    const rows = HANDLERS.map((h) => [
      h,
      kb(bundles.bundled[h].bytes),
      ms(importMs("bundled", h)),
      ms(processMs("bundled", h)),
      kb(bundles.runtimeSdk[h].bytes),
      ms(importMs("runtimeSdk", h)),
      ms(processMs("runtimeSdk", h)),
      stack?.[h] ? (stack[h]!.sha256 === bundles[mainVariant][h].sha256 ? "identical" : `differs (${kb(stack[h]!.bytes)})`) : "n/a",
      Object.entries(bundles[mainVariant][h].parts)
        .sort((a, b) => b[1] - a[1])
        .filter(([, bytes]) => bytes >= 10 * 1024)
        .map(([family, bytes]) => `${family} ${kb(bytes)}`)
        .join(", "),
    ]);
    rows.push(["(empty script)", "", ms(emptyImportMs), ms(emptyProcessMs), "", "", "", "", ""]);
    return {
      title: "Cold start (bundle size and load time)",
      summary,
      detail: [
        table(
          [
            "handler",
            `${VARIANTS.bundled.label}: size`,
            "import",
            "whole process",
            `${VARIANTS.runtimeSdk.label}: size`,
            "import",
            "whole process",
            "stack's own bundle",
            `largest parts (${VARIANTS[mainVariant].label})`,
          ],
          rows,
        ),
        "",
        bullets([
          `Built with esbuild exactly as lib/relay-function.ts has CDK build them: ESM, minified, target node24, the createRequire banner, linked source map without sources (size = index.mjs only, the map is not loaded unless an error is printed); ${stackNote}.`,
          `${VARIANTS.runtimeSdk.label} = the same with \`externalModules: ["@aws-sdk/*"]\`. Here its imports resolve to this project's node_modules, as they would to the runtime's /var/runtime/node_modules. In this run it made the bundles ${sizeChange} and the imports ${importChange} (geometric means over the four handlers: the SDK then loads as many unminified files instead of one minified bundle).`,
          `import = \`await import(bundle)\` timed inside a fresh \`node\` (NODE_OPTIONS=--enable-source-maps as the stack sets, dummy values for the environment variables each entry reads, so module init runs: clients and loggers are built; nothing reaches the network); whole process = spawn to exit, as seen from outside. Median of ${options.runs} runs each, all interleaved. The target applies to import: Lambda's own runtime start comes on top and is not the relay's to shrink.`,
          `Local Node is ${process.version}; Lambda runs Node 24 on arm64 with a fraction of a vCPU at 256–512 MB, so absolute times there differ; the comparison between rows is what carries over.`,
        ]),
      ].join("\n"),
    };
  } finally {
    rmSync(join(PROJECT_ROOT, "bench", ".out"), { recursive: true, force: true });
  }
}
