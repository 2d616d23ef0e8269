import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

// Helper processes of the bench, spoken to over Node's IPC channel. What plays AWS or TikTok (the SQS
// server, the fake TikTok) runs in a process of its own, so that its CPU is not counted as the relay's,
// as it would not be in AWS; the local relay under load runs in its own process so its memory is its own.

type Handler = (args: never) => unknown;
interface Call {
  id: number;
  command: string;
  args?: unknown;
}
interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** The id of the message a child sends once it listens: a call sent before that could be lost. */
const READY = -1;

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Child {
  pid: number;
  call<T>(command: string, args?: unknown): Promise<T>;
  /** Asks the child to close its servers and exit; kills it (this one process) if it does not. */
  stop(): Promise<void>;
}

/** Starts a bench/*.ts file that calls `serve`, run through tsx like the rest of the bench. */
export async function startChild(file: string, env: Record<string, string | undefined> = {}): Promise<Child> {
  const child: ChildProcess = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    cwd: PROJECT_ROOT,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env },
    // Children answer over IPC; anything they print (a stray log line) would spoil the table.
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code) => {
      exited = true;
      for (const { reject } of pending.values()) reject(new Error(`${file} exited (${code}): ${stderr.trim()}`));
      pending.clear();
      resolve();
    });
  });
  let announced: () => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    announced = resolve;
    void exit.then(() => reject(new Error(`${file} exited before it was ready: ${stderr.trim()}`)));
  });
  child.on("message", (message: Reply) => {
    if (message.id === READY) return announced();
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new Error(`${file}: ${message.error}`));
    else waiting.resolve(message.result);
  });
  const handle: Child = {
    pid: child.pid!,
    call<T>(command: string, args?: unknown) {
      if (exited) return Promise.reject(new Error(`${file} is not running: ${stderr.trim()}`));
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args } satisfies Call);
      });
    },
    async stop() {
      if (exited) return;
      await handle.call("stop").catch(() => undefined);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
  await ready;
  return handle;
}

/** The child's side: answers calls with `handlers`; "stop" runs `onStop`, then the process exits. */
export function serve(handlers: Record<string, Handler>, onStop: () => Promise<void>): void {
  const reply = (message: Reply) => process.send?.(message);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= onStop());
  process.on("message", async ({ id, command, args }: Call) => {
    try {
      if (command === "stop") {
        await stop();
        reply({ id, result: true });
        process.disconnect?.();
        return;
      }
      const handler = handlers[command];
      if (!handler) throw new Error(`unknown command ${command}`);
      reply({ id, result: await handler(args as never) });
    } catch (error) {
      reply({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  // The parent went away (Ctrl-C, a crash): do not linger holding ports.
  process.on("disconnect", () => {
    void stop().finally(() => process.exit(0));
  });
  reply({ id: READY, result: true });
}
