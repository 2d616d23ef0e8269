import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULTS, ENV, INTEGER_SETTINGS, LOCAL_INTEGER_SETTINGS } from "../../lambdas/contract";
import { RELAY_CONFIG_DEFAULTS } from "../../lib/config";
import { synthRelay } from "../support/synth";

// The configuration reference a user reads (the manual's tables (docs/)) and the environment the stack gives the functions
// are both checked against the contract (lambdas/contract/settings.ts), the one home of names and defaults.

/** A page of the manual (docs/), where the configuration tables live. */
const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), "utf8");

/** The rows of the markdown table under `heading`: first cell → second cell, backticks removed. */
function table(page: string, heading: string): Map<string, string> {
  const README = doc(page);
  const start = README.indexOf(heading);
  expect(start, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  const rows = new Map<string, string>();
  for (const line of README.slice(start).split("\n").slice(1)) {
    if (rows.size > 0 && !line.startsWith("|")) break;
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length < 4 || cells[1] === "variable" || cells[1] === "key" || /^-+$/.test(cells[1]!)) continue;
    // "`A`, `B`" names two settings; "`ENV` (`contextKey`)" names one setting twice.
    for (const name of cells[1]!.split(/,|\(|\)/)) if (name.trim()) rows.set(name.replace(/`/g, "").trim(), cells[2]!.replace(/`/g, ""));
  }
  return rows;
}

describe("README's local configuration table", () => {
  const rows = table("local.md", "## Local configuration");

  it.each(Object.values({ ...INTEGER_SETTINGS, ...LOCAL_INTEGER_SETTINGS }).map((s) => [s.env, s] as const))(
    "documents %s with the contract's default",
    (env, setting) => {
      expect(rows.get(env), `${env} is missing from the README`).toBeDefined();
      expect(rows.get(env)!.split(" ")[0]).toBe(String(setting.default));
    },
  );

  it.each(Object.values({ ...INTEGER_SETTINGS, ...LOCAL_INTEGER_SETTINGS }).map((s) => [s.env, s] as const))(
    "shows the range of %s as the relay checks it",
    (env, setting) => {
      const line = doc("local.md")
        .split("\n")
        .find((row) => row.startsWith(`| \`${env}\` |`));
      expect(line, `${env} is missing from docs/local.md`).toBeDefined();
      expect(line).toContain(`(range ${setting.min}–${setting.max})`);
    },
  );

  it("documents the string settings with the contract's defaults", () => {
    expect(rows.get(ENV.defaultPhoneCountry)).toBe(DEFAULTS.defaultPhoneCountry);
    expect(rows.get(ENV.tiktokApiUrl)).toBe(DEFAULTS.tiktokApiUrl);
    expect(rows.get(ENV.allowCustomEvents)).toBe(String(DEFAULTS.allowCustomEvents));
    expect(rows.get(ENV.apiFlavour)).toBe(DEFAULTS.apiFlavour);
    // Unset by default: each source's event set, and the LDU regions.
    for (const env of [ENV.pixelCode, ENV.offlineEventSetId, ENV.crmEventSetId, ENV.lduRegions])
      expect(rows.get(env), env).toMatch(/^none/);
    expect(DEFAULTS.lduRegions).toEqual([]);
  });
});

describe("README's CDK context table", () => {
  const rows = table("deploy.md", "## Configuration (CDK context)");
  const scalar = Object.entries(RELAY_CONFIG_DEFAULTS).filter(
    ([key, value]) => typeof value !== "object" && value !== "" && !key.startsWith("woocommerce"),
  );

  it.each(scalar)("documents %s with its default", (key, value) => {
    expect(rows.get(key), `${key} is missing from the README`).toBeDefined();
    expect(rows.get(key)!.split(" ")[0]).toBe(String(value));
  });

  it("documents the settings without a default", () => {
    for (const key of ["offlineEventSetId", "crmEventSetId", "lduRegions", "woocommerceTestEventCode"]) {
      expect(rows.get(key), `${key} is missing from the README`).toMatch(/^none/);
    }
  });

  it("takes the defaults the functions share from the contract", () => {
    for (const key of [
      "maxEventAgeDays",
      "offlineMaxEventAgeDays",
      "crmMaxEventAgeDays",
      "maxBodyBytes",
      "maxReceiveCount",
      "retryBaseSeconds",
      "retryMaxSeconds",
    ] as const) {
      expect(RELAY_CONFIG_DEFAULTS[key], key).toBe(INTEGER_SETTINGS[key].default);
    }
    expect(RELAY_CONFIG_DEFAULTS.senderBatchSize).toBe(LOCAL_INTEGER_SETTINGS.senderBatchSize.default);
    expect(RELAY_CONFIG_DEFAULTS.senderMaxConcurrency).toBe(LOCAL_INTEGER_SETTINGS.senderMaxConcurrency.default);
    expect(RELAY_CONFIG_DEFAULTS.defaultPhoneCountry).toBe(DEFAULTS.defaultPhoneCountry);
    expect(RELAY_CONFIG_DEFAULTS.tiktokApiUrl).toBe(DEFAULTS.tiktokApiUrl);
    expect(RELAY_CONFIG_DEFAULTS.woocommerceEventName).toBe(DEFAULTS.woocommerceEventName);
    expect(RELAY_CONFIG_DEFAULTS.woocommerceEventIdTemplate).toBe(DEFAULTS.woocommerceEventIdTemplate);
    expect(RELAY_CONFIG_DEFAULTS.woocommercePaidStatuses).toBe(DEFAULTS.woocommercePaidStatuses.join(","));
  });
});

describe("README's WooCommerce settings table", () => {
  const rows = table("woocommerce.md", "## 5. Settings");

  it("documents each setting under its variable and its context key, with the contract's default", () => {
    const expected: [string, string, string][] = [
      [ENV.woocommerceEventName, "woocommerceEventName", DEFAULTS.woocommerceEventName],
      [ENV.woocommerceEventIdTemplate, "woocommerceEventIdTemplate", DEFAULTS.woocommerceEventIdTemplate],
      [ENV.woocommercePaidStatuses, "woocommercePaidStatuses", DEFAULTS.woocommercePaidStatuses.join(",")],
      [ENV.woocommerceTtclidKeys, "woocommerceTtclidKeys", DEFAULTS.woocommerceTtclidKeys.join(",")],
      [ENV.woocommerceTtpKeys, "woocommerceTtpKeys", DEFAULTS.woocommerceTtpKeys.join(",")],
      [ENV.woocommerceTopics, ENV.woocommerceTopics, DEFAULTS.woocommerceTopics.join(",")],
    ];
    for (const [env, key, fallback] of expected) {
      expect(rows.get(env), env).toBe(fallback);
      expect(rows.get(key), key).toBe(fallback);
      if (key !== env) expect(RELAY_CONFIG_DEFAULTS[key as keyof typeof RELAY_CONFIG_DEFAULTS], key).toBe(fallback);
    }
    expect(rows.get(ENV.woocommerceTestEventCode)).toMatch(/^none/);
    expect(rows.get("woocommerceTestEventCode")).toMatch(/^none/);
  });

  it("the pixel snippet sends the relay's default event name: TikTok deduplicates only identical names", () => {
    const page = doc("woocommerce.md");
    const snippet = page.slice(page.indexOf("## 3. Send the same event_id from the browser pixel"), page.indexOf("## 4."));
    const tracked = [...snippet.matchAll(/ttq\.track\('([A-Za-z]+)'/g)].map((match) => match[1]);
    expect(tracked).toEqual([DEFAULTS.woocommerceEventName]);
  });
});

describe("the stack's function environments", () => {
  const known = new Set<string>([...Object.values(ENV), ...Object.values(INTEGER_SETTINGS).map((s) => s.env), "NODE_OPTIONS"]);
  const { resources } = synthRelay({ pixelCode: "C4PIXEL0000000000001", corsAllowOrigins: "https://shop.example", testEventCode: "T1" });
  const functions = Object.entries(resources).filter(
    ([, r]) => r.Type === "AWS::Lambda::Function" && (r.Properties.Environment as object | undefined),
  );

  it("name only variables of the contract, which the functions read", () => {
    expect(functions.length).toBe(4);
    for (const [id, fn] of functions) {
      const variables = Object.keys((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables);
      for (const name of variables) expect(known.has(name), `${id} sets ${name}, which is not in lambdas/contract`).toBe(true);
    }
  });
});
