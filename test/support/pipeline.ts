import type { Log } from "../../lambdas/core/log";
import { silentLog } from "../../lambdas/core/log";
import { type Env, type LocalPipeline, startLocalPipeline } from "../../local/pipeline";
import type { FakeTikTok } from "./fake-tiktok";

/** `npm start`'s pipeline in-process on free ports, sending to the test's fake TikTok. */
export function startTestPipeline(tiktok: FakeTikTok, env: Env = {}, log: Log = silentLog): Promise<LocalPipeline> {
  return startLocalPipeline({
    env: {
      PORT: "0",
      SQS_PORT: "0",
      DYNAMODB_PORT: "0",
      INGEST_API_KEY: "k",
      TIKTOK_PIXEL_CODE: "C4PIXEL0000000000001",
      TIKTOK_ACCESS_TOKEN: "t",
      TIKTOK_API_URL: tiktok.url,
      SENDER_BATCHING_WINDOW_MS: "300",
      ...env,
    },
    log,
  });
}
