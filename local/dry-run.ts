import type { Log } from "../lambdas/core/log";
import type { TikTokTransport } from "../lambdas/core/tiktok-transport";

// `npm start` without TIKTOK_ACCESS_TOKEN: the sender runs as usual, but its transport prints each request
// instead of sending it. The sender cannot tell, so what it reports as delivered is relabelled here: a dry
// run never reads as a delivery, in the log or in /stats (local/stats.ts).

/** Shows exactly the body TikTok would receive, and answers as TikTok would accept it. */
export function printingTransport(print: (line: string) => void): TikTokTransport {
  return {
    async send(body) {
      print(`[dry run] POST ${body.data.length} event(s) to TikTok (no TIKTOK_ACCESS_TOKEN set); body:\n${JSON.stringify(body, null, 2)}`);
      return { httpStatus: 200, code: 0, message: "OK (dry run)" };
    },
  };
}

/** The sender's log with `outcome: "delivered"` written as `outcome: "dry_run"` (nothing was sent). */
export function dryRunLog(log: Log): Log {
  const relabel = (extra: Record<string, unknown>[]) =>
    extra.map((fields) => (fields.outcome === "delivered" ? { ...fields, outcome: "dry_run" } : fields));
  return {
    debug: (message, ...extra) => log.debug?.(message, ...relabel(extra)),
    info: (message, ...extra) => log.info(message, ...relabel(extra)),
    warn: (message, ...extra) => log.warn(message, ...relabel(extra)),
    error: (message, ...extra) => log.error(message, ...relabel(extra)),
  };
}
