// TikTok's standard event names (exact strings). Custom names are accepted by TikTok but cannot be
// optimised for, so they are refused unless the operator opts in.
//
// TikTok's list changed on 1 May 2025 for web, offline and CRM ("How to Adopt TikTok's Updated Standard
// Events", https://ads.tiktok.com/help/article/how-to-adopt-tiktoks-updated-standard-events): CompletePayment
// became Purchase and SubmitForm became Lead ("Existing setups remain operational… Legacy names are
// auto-converted on the backend"); ClickButton and PlaceAnOrder are "fully supported until 2027 … sunset in
// 2027". The legacy names keep working here too, with a warning: the relay never renames an event, because
// TikTok deduplicates on an identical name and the shop's pixel must send the same one
// (https://ads.tiktok.com/help/article/event-deduplication).
export const STANDARD_EVENTS = [
  "AddPaymentInfo",
  "AddToCart",
  "AddToWishlist",
  "ApplicationApproval",
  "ClickButton",
  "CompletePayment",
  "CompleteRegistration",
  "Contact",
  "CustomizeProduct",
  "Download",
  "FindLocation",
  "InitiateCheckout",
  "Lead",
  "PlaceAnOrder",
  "Purchase",
  "Schedule",
  "Search",
  "StartTrial",
  "SubmitApplication",
  "SubmitForm",
  "Subscribe",
  "ViewContent",
  "Pageview",
] as const;

const STANDARD = new Set<string>(STANDARD_EVENTS);

/** Names TikTok has replaced or will retire, and what to send instead. */
export const DEPRECATED_EVENTS: Readonly<Record<string, { replacement?: string; why: string }>> = {
  CompletePayment: { replacement: "Purchase", why: "renamed to Purchase by TikTok in May 2025" },
  SubmitForm: { replacement: "Lead", why: "renamed to Lead by TikTok in May 2025" },
  PlaceAnOrder: { replacement: "Purchase", why: "soft-deprecated by TikTok in May 2025, sunset in 2027" },
  ClickButton: { why: "soft-deprecated by TikTok in May 2025, sunset in 2027" },
};

/** TikTok's current standard names: the list without the deprecated ones. */
export const CURRENT_EVENTS = STANDARD_EVENTS.filter((name) => !(name in DEPRECATED_EVENTS));

/** The warning for a deprecated name, or undefined for any other. The event is sent as named all the same. */
export function deprecationWarning(name: string): string | undefined {
  const deprecated = Object.hasOwn(DEPRECATED_EVENTS, name) ? DEPRECATED_EVENTS[name] : undefined;
  if (!deprecated) return undefined;
  const instead = deprecated.replacement
    ? `use "${deprecated.replacement}" instead`
    : "use the standard event that describes the action (e.g. Contact, Lead) instead";
  return (
    `"${name}" is ${deprecated.why}; it is still accepted and sent as "${name}". For new setups ${instead}, ` +
    "in the browser pixel and the server together: TikTok deduplicates only events with the same name"
  );
}

// Misspellings that real integrations shipped; edit distance alone would not always pick these.
const KNOWN_MISTAKES: Record<string, string> = {
  IntiateCheckout: "InitiateCheckout",
  PlaceOrder: "PlaceAnOrder",
};

export function isStandardEvent(name: string): boolean {
  return STANDARD.has(name);
}

/** The standard name closest to `name`, if it is close enough to be a plausible typo. */
export function suggestEventName(name: string): string | undefined {
  const known = KNOWN_MISTAKES[name];
  if (known) return known;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of STANDARD_EVENTS) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
