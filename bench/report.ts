// What each section hands back to bench/run.ts: the lines of the summary table, and its own detail
// (tables and the assumptions behind them) in markdown.

export interface SummaryRow {
  section: string;
  figure: string;
  measured: string;
  /** What the figure is compared with, measured in the same run (or the target's basis). */
  against: string;
  target?: string;
  /** undefined: the figure has no target. */
  met?: boolean;
}

export interface SectionReport {
  title: string;
  summary: SummaryRow[];
  /** Markdown: tables, then assumptions. */
  detail: string;
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((cell) => String(cell).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function bullets(items: string[]): string {
  return items.map((item) => `- ${item}`).join("\n");
}

/** 12345.6 → "12,346"; small numbers keep `digits` significant figures. */
export function num(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString("en-US");
  return Number(value.toPrecision(digits)).toLocaleString("en-US", { maximumSignificantDigits: digits });
}

export const ratio = (value: number) => (Number.isFinite(value) ? `${num(value, 3)}×` : "n/a");
export const kb = (bytes: number) => `${num(bytes / 1024, 3)} KB`;
export const ms = (value: number) => `${num(value, 3)} ms`;
export const usd = (value: number) => `$${value >= 1 ? value.toFixed(2) : value.toFixed(3)}`;
export const yesNo = (met: boolean | undefined) => (met === undefined ? "" : met ? "yes" : "**no**");
