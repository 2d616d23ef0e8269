import { TENANT_NAME } from "../contract/patterns";
import { type Destination, EVENT_SOURCES, type EventSource } from "./destination";
import type { TikTokEvent } from "./schema";

// One queue message: one prepared event and its destination. Carries no raw identifier.
//
// Today's format:  {"destination":{"source":"web","id":"<pixel>","test_event_code":"..."},"event":{...}}
// With a tenant:  {"destination":{"source":"web","id":"<pixel>","tenant":"shop-a"},"event":{...}}
// Earlier format:  {"pixel_code":"<pixel>","test_event_code":"...","event":{...}}
// The DLQ keeps messages for 14 days and a redrive puts them back as they are, so the sender reads both.

export interface QueuedEvent {
  destination: Destination;
  event: TikTokEvent;
}

interface QueuedMessage {
  destination: { source: EventSource; id: string; test_event_code?: string; tenant?: string };
  event: TikTokEvent;
}

/** The message body for one event. */
export function encodeQueuedEvent({ destination, event }: QueuedEvent): string {
  // JSON.stringify({ destination, event }) written as its two parts: the destination's part is the same for
  // every event of a request, so it is made once (lastDestination), and only the event is serialised.
  const prefix = destinationPart(destination);
  const eventJson = JSON.stringify(event);
  const body = `${prefix.json}${eventJson}}`;
  // SQS refuses a body holding U+FFFE or U+FFFF (JSON.stringify already escapes controls and lone surrogates).
  // The parts are searched, not the body: searching the joined string first copied it into one.
  return prefix.clean && !NONCHARACTER.test(eventJson) ? body : body.replace(NONCHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const NONCHARACTER = /[\ufffe\uffff]/;
const NONCHARACTERS = /[\ufffe\uffff]/g;

interface DestinationPart {
  destination: Destination;
  /** The body up to the event's JSON: `{"destination":{...},"event":`. */
  json: string;
  /** Whether it holds no U+FFFE or U+FFFF. */
  clean: boolean;
}

let lastDestination: DestinationPart | undefined;

/** The body's start, which names the destination; the last one is kept, as a request's events mostly share it. */
function destinationPart(destination: Destination): DestinationPart {
  const last = lastDestination;
  if (
    last !== undefined &&
    last.destination.source === destination.source &&
    last.destination.id === destination.id &&
    last.destination.testEventCode === destination.testEventCode &&
    last.destination.tenant === destination.tenant
  )
    return last;
  const message: QueuedMessage["destination"] = {
    source: destination.source,
    id: destination.id,
    ...(destination.testEventCode ? { test_event_code: destination.testEventCode } : {}),
    ...(destination.tenant !== undefined ? { tenant: destination.tenant } : {}),
  };
  const json = `{"destination":${JSON.stringify(message)},"event":`;
  lastDestination = { destination: { ...destination }, json, clean: !NONCHARACTER.test(json) };
  return lastDestination;
}

/** Reads a message body in either format; undefined when it is not a relay event message. */
export function parseQueuedEvent(body: string): QueuedEvent | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const event = value.event as Partial<TikTokEvent> | undefined;
  if (typeof event?.event !== "string" || typeof event.event_id !== "string" || !Number.isInteger(event.event_time)) return undefined;
  const destination = readDestination(value);
  return destination ? { destination, event: event as TikTokEvent } : undefined;
}

function readDestination(value: Record<string, unknown>): Destination | undefined {
  const testCode = (raw: unknown) => (typeof raw === "string" && raw !== "" ? raw : undefined);
  const given = value.destination as Record<string, unknown> | undefined;
  if (given !== undefined) {
    if (typeof given !== "object" || given === null) return undefined;
    const { source, id } = given;
    if (typeof source !== "string" || !(EVENT_SOURCES as readonly string[]).includes(source) || typeof id !== "string" || id === "")
      return undefined;
    const code = testCode(given.test_event_code);
    const destination: Destination = code
      ? { source: source as EventSource, id, testEventCode: code }
      : { source: source as EventSource, id };
    // A tenant name that is not one is not trusted: the message is not the relay's.
    if (given.tenant !== undefined) {
      if (typeof given.tenant !== "string" || !TENANT_NAME.test(given.tenant)) return undefined;
      destination.tenant = given.tenant;
    }
    return destination;
  }
  // The earlier format: always a web pixel.
  if (typeof value.pixel_code !== "string") return undefined;
  const code = testCode(value.test_event_code);
  return code ? { source: "web", id: value.pixel_code, testEventCode: code } : { source: "web", id: value.pixel_code };
}
