import type { TikTokRequestBody } from "./tiktok-request";
import { parseReply, type TikTokReply } from "./tiktok-response";

export interface TikTokTransport {
  send(body: TikTokRequestBody, accessToken: string): Promise<TikTokReply>;
}

/**
 * POSTs to the Events API. Node's fetch keeps connections alive between requests of a warm Lambda;
 * every request has a deadline so a hanging TikTok cannot eat the whole invocation.
 * Network failures become a reply with httpStatus 0, which classifies as retryable.
 */
export function httpTransport(url: string, timeoutMs: number): TikTokTransport {
  return {
    async send(body, accessToken) {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "Access-Token": accessToken, "Content-Type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        return parseReply(response.status, await response.text());
      } catch (error) {
        const name = error instanceof Error ? error.name : "";
        if (name === "TimeoutError" || name === "AbortError") {
          return { httpStatus: 0, message: `no answer within ${timeoutMs} ms`, transportError: "timeout" };
        }
        const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        return { httpStatus: 0, message: `connection failed: ${cause}`, transportError: "network" };
      }
    },
  };
}
