// TikTok's standard event names (exact strings). Custom names are accepted by TikTok but cannot be
// optimised for, so they are refused unless the operator opts in.
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
