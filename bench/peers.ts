import { type LocalQueues, startLocalQueues } from "../local/sqs-server";
import { serve } from "./child";
import { type BenchTikTok, startBenchTikTok } from "./fake-tiktok";

// Child process: what the relay talks to, but is not the relay (SQS, TikTok). Started by bench/child.ts.

export interface QueueEndpoints {
  endpoint: string;
  eventsQueueUrl: string;
  deadLetterQueueUrl: string;
}

let queues: LocalQueues | undefined;
let tiktok: BenchTikTok | undefined;

serve(
  {
    async startQueues(): Promise<QueueEndpoints> {
      queues ??= await startLocalQueues({ port: 0, maxReceiveCount: 10, visibilityTimeoutSeconds: 30 });
      return { endpoint: queues.endpoint, eventsQueueUrl: queues.eventsQueueUrl, deadLetterQueueUrl: queues.deadLetterQueueUrl };
    },
    async startTikTok({ latencyMs }: { latencyMs: number }): Promise<string> {
      tiktok ??= await startBenchTikTok(latencyMs);
      return tiktok.url;
    },
    tiktokStats: () => tiktok!.stats(),
    tiktokEventIds: () => tiktok!.eventIds(),
    tiktokReset: () => tiktok!.reset(),
  },
  async () => {
    await tiktok?.close();
    await queues?.close();
  },
);
