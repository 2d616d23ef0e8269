/** The slice of Powertools' Logger the core uses, so the core stays free of AWS imports. */
export interface Log {
  /** What is worth a line only when somebody is looking (the function's log level set to DEBUG); optional. */
  debug?(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };
