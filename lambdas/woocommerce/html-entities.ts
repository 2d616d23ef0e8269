// WordPress stores titles HTML-encoded: its texturizer turns "-" between words into &#8211;, editors write
// &ndash; and &amp;, so WooCommerce's REST API hands out line items such as "Ship Your Idea &ndash; Color:
// Black". TikTok shows product names as they arrive, so they are decoded first. Numeric references are
// decoded in full; named ones for the characters WordPress and editors produce in titles and names. An
// unknown name is left as it is: never guessed.

// HTML 4's Latin-1 names, in code point order from U+00A0 (&nbsp;) to U+00FF (&yuml;): accented letters in
// shoppers' names and cities.
const LATIN_1 = (
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute " +
  "micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig " +
  "Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash " +
  "Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc " +
  "euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml " +
  "yacute thorn yuml"
)
  .split(" ")
  .map((name, i) => [name, String.fromCharCode(0xa0 + i)] as const);

const NAMED = new Map<string, string>([
  ...LATIN_1,
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["ndash", "\u2013"],
  ["mdash", "\u2014"],
  ["lsquo", "\u2018"],
  ["rsquo", "\u2019"],
  ["sbquo", "\u201a"],
  ["ldquo", "\u201c"],
  ["rdquo", "\u201d"],
  ["bdquo", "\u201e"],
  ["hellip", "\u2026"],
  ["bull", "\u2022"],
  ["prime", "\u2032"],
  ["Prime", "\u2033"],
  ["trade", "\u2122"],
  ["euro", "\u20ac"],
  ["OElig", "\u0152"],
  ["oelig", "\u0153"],
  ["Scaron", "\u0160"],
  ["scaron", "\u0161"],
  ["Yuml", "\u0178"],
]);

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g, (match, body: string) => {
    if (body.startsWith("#")) {
      const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      // NUL, surrogates and code points past Unicode are not characters: keep the reference as it was.
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return valid ? String.fromCodePoint(code) : match;
    }
    return NAMED.get(body) ?? match;
  });
}
