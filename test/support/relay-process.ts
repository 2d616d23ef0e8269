import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// `npm start` as a separate process, so a test can kill it for real (SIGKILL: no clean shutdown).

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface RelayProcess {
  eventsUrl: string;
  child: ChildProcess;
  output: () => string;
  kill(): Promise<void>;
}

export async function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bin/local.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      STATS_INTERVAL_SECONDS: "0",
      PORT: "0",
      DYNAMODB_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const eventsUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay did not start within 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /ingest: +POST (http:\/\/127\.0\.0\.1:\d+\/events)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => reject(new Error(`the relay exited with ${code}:\n${output}`)));
  });
  return {
    eventsUrl,
    child,
    output: () => output,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
