import { type CountryCode, getCountries, getCountryCallingCode, Metadata, parsePhoneNumberFromString } from "libphonenumber-js";

// Phone number → E.164, fast for what shops send. libphonenumber's full parse costs ~8–18 µs a number (more than
// parsing and hashing the rest of an event); most numbers arrive already international ("+1 (650) 555-1234") or
// national digits of the shop's own country. Those are checked against per-country lengths read once from the
// metadata; anything else (a national prefix, letters, an extension, 00-international) goes the full way.
//
// "Possible", not "valid": a number is accepted when its length fits its country (libphonenumber's
// isPossible), not only when it falls in a range the bundled metadata lists as allocated (isValid). TikTok
// matches the hash of the E.164 string; a number in a range newer than the metadata, or one libphonenumber
// calls invalid for another reason, still matches if it is the shopper's real number, and costs nothing if it
// is not. Other integrations hash such numbers too, so rejecting them only lowered the relay's match rate.

interface Plan {
  /** Lengths possible in every country sharing the calling code: accepted without asking which country. */
  everywhere: Set<number>;
  /** Their national prefixes and parsing rewrites (regex sources): a number one of them matches takes the full parse. */
  rules: Set<string>;
  /** The rules as one pattern (rewritesOf), made once the plan is complete. */
  rewrites?: RegExp;
}

let byCallingCode: Map<string, Plan> | undefined;
const nationalPlans = new Map<string, { callingCode: string; lengths: Set<number>; rewrites?: RegExp } | null>();

type Numbering = { possibleLengths(): number[]; nationalPrefix(): string | undefined; nationalPrefixForParsing(): string | undefined };

/**
 * What the full parse would strip or rewrite at the start of a national number (a national prefix, a carrier
 * code, a mobile token), as a regex source: a number it matches takes the full parse.
 */
function parsingRule(numbering: Numbering): string | undefined {
  return numbering.nationalPrefixForParsing() ?? numbering.nationalPrefix();
}

/**
 * One pattern for a set of rules: it matches when some rule can match a non-empty start of the number. The
 * calling code 1 has 25 countries' rules, each tried in turn cost more than the rest of the fast path. Where a
 * rule's first match is empty but another of its matches is not, this sends the number to the full parse,
 * which only costs time (libphonenumber's rules hold no back-references, which joining would renumber).
 */
function rewritesOf(rules: Iterable<string>): RegExp | undefined {
  const sources = [...rules];
  return sources.length > 0 ? new RegExp(`^(?:${sources.map((rule) => `(?:${rule})`).join("|")})(?<!^)`) : undefined;
}

const rewrittenBy = (rewrites: RegExp | undefined, national: string) => rewrites?.test(national) === true;

/** Per calling code, the possible lengths of every country that shares it: computed once per container. */
function callingCodePlans(): Map<string, Plan> {
  if (byCallingCode) return byCallingCode;
  byCallingCode = new Map();
  const metadata = new Metadata();
  for (const country of getCountries()) {
    metadata.selectNumberingPlan(country);
    const code = getCountryCallingCode(country);
    const numbering = metadata.numberingPlan as unknown as Numbering;
    const lengths = numbering.possibleLengths();
    const rule = parsingRule(numbering);
    const plan = byCallingCode.get(code);
    if (!plan) {
      byCallingCode.set(code, { everywhere: new Set(lengths), rules: new Set(rule ? [rule] : []) });
      continue;
    }
    if (rule) plan.rules.add(rule);
    for (const length of plan.everywhere) if (!lengths.includes(length)) plan.everywhere.delete(length);
  }
  for (const plan of byCallingCode.values()) plan.rewrites = rewritesOf(plan.rules);
  return byCallingCode;
}

function nationalPlan(country: string) {
  let plan = nationalPlans.get(country);
  if (plan !== undefined) return plan;
  try {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country as CountryCode);
    const numbering = metadata.numberingPlan as unknown as Numbering;
    const rule = parsingRule(numbering);
    plan = {
      callingCode: getCountryCallingCode(country as CountryCode),
      lengths: new Set(numbering.possibleLengths()),
      rewrites: rewritesOf(rule ? [rule] : []),
    };
  } catch {
    plan = null;
  }
  nationalPlans.set(country, plan);
  return plan;
}

const FORMATTING = /[\s().-]/g;
const INTERNATIONAL = /^\+[1-9]\d{6,14}$/;
const NATIONAL = /^[1-9]\d{5,13}$/;

/** The fast path: an answer, or undefined when the full parse must decide. */
function fastE164(compact: string, defaultCountry: string): string | undefined {
  if (INTERNATIONAL.test(compact)) {
    const plans = callingCodePlans();
    for (let size = 1; size <= 3; size++) {
      const plan = plans.get(compact.slice(1, 1 + size));
      if (!plan) continue;
      const national = compact.slice(1 + size);
      // A leading 0 may be a national prefix written after the country code (+44 020…): the full parse strips it.
      if (national.startsWith("0") || !plan.everywhere.has(national.length) || rewrittenBy(plan.rewrites, national)) return undefined;
      return compact;
    }
    return undefined;
  }
  if (NATIONAL.test(compact)) {
    const plan = nationalPlan(defaultCountry);
    if (!plan || rewrittenBy(plan.rewrites, compact)) return undefined;
    // Digits that start with the country's calling code may be an international number without its "+": the
    // full parse weighs both readings.
    if (compact.startsWith(plan.callingCode)) return undefined;
    // Only a length every country sharing the calling code allows: the full parse may place the number in
    // another of them (+44 7524000 is the Isle of Man's, where 7 digits are not possible).
    const shared = callingCodePlans().get(plan.callingCode)?.everywhere;
    return plan.lengths.has(compact.length) && shared?.has(compact.length) ? `+${plan.callingCode}${compact}` : undefined;
  }
  return undefined;
}

/** E.164 (`+` country code, digits) of a number, or undefined when it cannot be one; `00` prefixes read as `+`. */
export function toE164(raw: string, defaultCountry: string): string | undefined {
  const compact = raw.trim().replace(FORMATTING, "");
  const fast = fastE164(compact, defaultCountry);
  if (fast) return fast;
  let value = raw.trim();
  if (/^00[1-9]/.test(compact)) value = `+${compact.slice(2)}`;
  const parsed = parsePhoneNumberFromString(value, defaultCountry as CountryCode);
  return parsed?.isPossible() ? parsed.number : undefined;
}
