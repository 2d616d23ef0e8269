// WordPress stores titles HTML-encoded: its texturizer turns "-" between words into &#8211;, editors write
// &ndash; and &amp;, so WooCommerce's REST API hands out line items such as "Ship Your Idea &ndash; Color:
// Black". TikTok shows product names as they arrive, so they are decoded first. Numeric references are
// decoded in full; named ones for the characters WordPress and editors produce in titles and names. An
// unknown name is left as it is: never guessed.

const NAMED: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  ndash: "\u2013",
  mdash: "\u2014",
  lsquo: "\u2018",
  rsquo: "\u2019",
  sbquo: "\u201a",
  ldquo: "\u201c",
  rdquo: "\u201d",
  bdquo: "\u201e",
  laquo: "\u00ab",
  raquo: "\u00bb",
  hellip: "\u2026",
  bull: "\u2022",
  middot: "\u00b7",
  prime: "\u2032",
  Prime: "\u2033",
  times: "\u00d7",
  divide: "\u00f7",
  deg: "\u00b0",
  trade: "\u2122",
  reg: "\u00ae",
  copy: "\u00a9",
  euro: "\u20ac",
  pound: "\u00a3",
  yen: "\u00a5",
  cent: "\u00a2",
  sect: "\u00a7",
  para: "\u00b6",
  frac12: "\u00bd",
  frac14: "\u00bc",
  frac34: "\u00be",
};

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g, (match, body: string) => {
    if (body.startsWith("#")) {
      const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      // NUL, surrogates and code points past Unicode are not characters: keep the reference as it was.
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return valid ? String.fromCodePoint(code) : match;
    }
    return Object.hasOwn(NAMED, body) ? NAMED[body]! : match;
  });
}
