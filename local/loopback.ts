import type { IncomingHttpHeaders } from "node:http";

// The local servers listen on 127.0.0.1 only, but a web page the user has open can still reach them: by DNS
// rebinding (an attacker's name resolving to 127.0.0.1, so the browser treats the server as the page's own
// origin) or by a form post across origins. Both carry a Host the server does not know; a request naming a
// loopback host (or Docker's name for this machine, which a browser page cannot make resolve) is genuine.

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "host.docker.internal"]);

/** Whether the request's Host header names this machine's loopback interface (any port). */
export function hasLoopbackHost(headers: IncomingHttpHeaders): boolean {
  const host = headers.host?.trim().toLowerCase();
  if (!host) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
  return LOOPBACK_HOSTS.has(name);
}
