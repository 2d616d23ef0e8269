import type { Log } from "../lambdas/core/log";

/** One readable line per log call for `npm start`; the fields are the same the Lambdas log as JSON. */
export function consoleLog(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Log {
  const line =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      const fields = Object.assign({}, ...extra) as Record<string, unknown>;
      const rendered = Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(" ");
      write(`${new Date().toISOString()} ${level} ${message}${rendered ? ` ${rendered}` : ""}`);
    };
  // Locally every line is printed, DEBUG ones too: the terminal costs nothing and shows each request.
  return { debug: line("DEBUG"), info: line("INFO"), warn: line("WARN"), error: line("ERROR") };
}
