import type { Filter } from "./args";
import type { DeadLetterMessage } from "./dead-letter-message";

// A selective redrive moves a message only when every criterion given matches. A message of unknown age
// never matches --older-than: moving something because its age could not be read would surprise.

export function matches(message: DeadLetterMessage, filter: Filter, nowMs: number): boolean {
  if (filter.reasons.length > 0 && !filter.reasons.includes(message.reason)) return false;
  if (filter.tenants && filter.tenants.length > 0 && (message.tenant === undefined || !filter.tenants.includes(message.tenant)))
    return false;
  if (filter.events.length > 0 && (message.eventName === undefined || !filter.events.includes(message.eventName))) return false;
  if (filter.olderThanMs !== undefined) {
    if (message.failedAtMs === undefined || message.failedAtMs > nowMs - filter.olderThanMs) return false;
  }
  return true;
}
