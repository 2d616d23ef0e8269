import { silentLog } from "../lambdas/core/log";
import { type LocalPipeline, startLocalPipeline } from "../local/pipeline";
import { serve } from "./child";

// Child process: the local relay (`npm start`'s pipeline: HTTP API, embedded SQS, event source, sender)
// alone in its process, so that its peak memory is its own and the load generator does not share its
// event loop. Silent: `npm start` would print a line per request, which is not what is measured here.

let pipeline: LocalPipeline | undefined;

export interface RelayMemory {
  rssBytes: number;
  /** Highest resident set size of this process since it started. */
  maxRssBytes: number;
}

const memory = (): RelayMemory => ({ rssBytes: process.memoryUsage.rss(), maxRssBytes: process.resourceUsage().maxRSS * 1024 });

serve(
  {
    async start({ env }: { env: Record<string, string> }): Promise<{ eventsUrl: string } & RelayMemory> {
      pipeline = await startLocalPipeline({ env, log: silentLog, print: () => {} });
      return { eventsUrl: pipeline.eventsUrl, ...memory() };
    },
    memory,
  },
  async () => {
    await pipeline?.stop();
  },
);
