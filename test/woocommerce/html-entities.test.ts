import { describe, expect, it } from "vitest";
import { decodeHtmlEntities } from "../../lambdas/woocommerce/html-entities";

describe("decodeHtmlEntities", () => {
  it.each([
    // WooCommerce's REST API documentation's own line item.
    ["Ship Your Idea &ndash; Color: Black", "Ship Your Idea – Color: Black"],
    // What WordPress's texturizer writes into titles.
    ["Men&#8217;s Tee &#8211; Large", "Men’s Tee – Large"],
    ["Caf&#xE9; &amp; Bar", "Café & Bar"],
    ["O&#039;Brien", "O'Brien"],
    ["&quot;Quoted&quot; &lt;b&gt;", '"Quoted" <b>'],
    ["5&nbsp;kg &times; 2", "5\u00a0kg × 2"],
    ["Fish &#x1F41F;", "Fish 🐟"],
    ["Zo&euml; M&uuml;ller, K&oslash;benhavn", "Zoë Müller, København"],
  ])("%s → %s", (encoded, decoded) => {
    expect(decodeHtmlEntities(encoded)).toBe(decoded);
  });

  it("leaves alone what is not a known reference: text, unknown names, invalid code points", () => {
    for (const text of ["AT&T", "Tom & Jerry", "&unknown;", "&#0;", "&#xD800;", "&#1114112;", "&amp", "&constructor;", "&toString;"]) {
      expect(decodeHtmlEntities(text), text).toBe(text);
    }
  });

  it("decodes once: an encoded ampersand stays an entity's text", () => {
    expect(decodeHtmlEntities("&amp;ndash;")).toBe("&ndash;");
  });
});
