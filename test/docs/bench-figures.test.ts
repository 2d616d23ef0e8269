import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The README's cost and capacity figures are quotes of the committed bench run (bench/results.md, written by
// `npm run bench`): a new run that moves a figure must move the README's sentence with it.

const ROOT = new URL("../..", import.meta.url).pathname;
const results = readFileSync(join(ROOT, "bench/results.md"), "utf8");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## What it costs, what it carries"), readme.indexOf("## The manual"));

/** The "measured" cell of bench/results.md's summary row whose figure starts with `figure`. */
function measured(figure: string): string {
  const row = results.split("\n").find((line) => line.split("|")[2]?.trim().startsWith(figure));
  if (!row) throw new Error(`bench/results.md has no summary row "${figure}"`);
  return row.split("|")[3]!.trim();
}

const dollars = (cell: string) => Number(cell.replace(/[$,]/g, ""));

describe("the README's cost and capacity figures", () => {
  it("quote bench/results.md", () => {
    expect(section).not.toBe("");
    expect(section).toContain(`**${measured("$ per million events, posted one per request (REST API")} per million events**`);
    expect(section).toContain(`**${measured("$ per million events, posted one per request (HTTP API")}**`);
    const batched = dollars(measured("$ per million events, posted 100 per request, with the ledger"));
    expect(section).toContain(`**$${batched.toFixed(2)}** posted 100 per request, the delivery ledger included`);
    expect(section).toContain(
      `about **${measured("events/s the default stack sustains, one event per request")} events/s** posted one per request`,
    );
    // "about 5,000": the batched capacity rounded to the thousand, as the sender's rate varies from run to run.
    const capacity = Number(measured("events/s the default stack sustains, 100 events per request").replace(/,/g, ""));
    expect(section).toContain(`about **${(Math.round(capacity / 1000) * 1000).toLocaleString("en-US")} events/s** in batches of 100`);
  });
});
