// Limited Data Use: TikTok's per-event `limited_data_use` flag, "a request for limited data processing" that
// TikTok honours "if the event shared occurred in an eligible location" (TikTok's field text, as carried by
// Segment's tiktok-conversions destination; TikTok doc id 1771101204435970). TikTok publishes no list of the
// US states it covers, so the shop names its regions once (LDU_REGIONS) and the relay flags their shoppers'
// events. An explicit per-event value always wins; this only fills it in when absent.

/** A configured region: a country (US) or one of its subdivisions (US-CA). */
export interface LduRegion {
  country: string;
  state?: string;
}

/** "US-CA" → {country: "US", state: "CA"}; "US" → {country: "US"}. The pattern is checked where it is configured. */
export function parseLduRegion(region: string): LduRegion {
  const [country, state] = region.toUpperCase().split("-") as [string, string?];
  return state ? { country, state } : { country };
}

/**
 * Whether a shopper at `state`/`country` (as the event gives them) is in one of `regions`. Without a country,
 * a state is compared with every region's state: flagging an event that did not need it costs little, missing
 * one the law covers does not.
 */
export function inLduRegion(user: { state?: string; country?: string } | undefined, regions: readonly LduRegion[]): boolean {
  if (!user || regions.length === 0) return false;
  const country = normalise(user.country);
  const state = stateCode(normalise(user.state), country);
  return regions.some((region) => {
    if (country !== undefined && region.country !== country) return false;
    if (region.state === undefined) return country !== undefined;
    return state === region.state;
  });
}

function normalise(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toUpperCase();
  return trimmed ? trimmed : undefined;
}

/** "US-CA" or "CA" → "CA"; a US state's name → its code, since the regions that need LDU are US states. */
function stateCode(state: string | undefined, country: string | undefined): string | undefined {
  if (state === undefined) return undefined;
  const prefix = country ? `${country}-` : /^[A-Z]{2}-/.exec(state)?.[0];
  const bare = prefix && state.startsWith(prefix) ? state.slice(prefix.length) : state;
  return (country === undefined || country === "US" ? US_STATES.get(bare) : undefined) ?? bare;
}

const US_STATES = new Map<string, string>(
  Object.entries({
    ALABAMA: "AL",
    ALASKA: "AK",
    ARIZONA: "AZ",
    ARKANSAS: "AR",
    CALIFORNIA: "CA",
    COLORADO: "CO",
    CONNECTICUT: "CT",
    DELAWARE: "DE",
    "DISTRICT OF COLUMBIA": "DC",
    FLORIDA: "FL",
    GEORGIA: "GA",
    HAWAII: "HI",
    IDAHO: "ID",
    ILLINOIS: "IL",
    INDIANA: "IN",
    IOWA: "IA",
    KANSAS: "KS",
    KENTUCKY: "KY",
    LOUISIANA: "LA",
    MAINE: "ME",
    MARYLAND: "MD",
    MASSACHUSETTS: "MA",
    MICHIGAN: "MI",
    MINNESOTA: "MN",
    MISSISSIPPI: "MS",
    MISSOURI: "MO",
    MONTANA: "MT",
    NEBRASKA: "NE",
    NEVADA: "NV",
    "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM",
    "NEW YORK": "NY",
    "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND",
    OHIO: "OH",
    OKLAHOMA: "OK",
    OREGON: "OR",
    PENNSYLVANIA: "PA",
    "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD",
    TENNESSEE: "TN",
    TEXAS: "TX",
    UTAH: "UT",
    VERMONT: "VT",
    VIRGINIA: "VA",
    WASHINGTON: "WA",
    "WEST VIRGINIA": "WV",
    WISCONSIN: "WI",
    WYOMING: "WY",
  }),
);
