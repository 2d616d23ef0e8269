import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Every link in the README and the manual (docs/) resolves: the file exists, and the #anchor is a heading of
// it (as GitHub makes anchors from headings). A renamed heading or a moved page breaks a test, not a reader.

const ROOT = new URL("../..", import.meta.url).pathname;
const pages = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor for a heading: lower-case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(page: string): Set<string> {
  const text = readFileSync(join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "");
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = anchorOf(match[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

function links(page: string): string[] {
  const text = readFileSync(join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^(https?:|mailto:)/.test(target));
}

describe("links in the README and docs/", () => {
  it.each(pages)("%s: every relative link and anchor resolves", (page) => {
    for (const target of links(page)) {
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const file = path === "" ? page : relative(ROOT, join(ROOT, dirname(page), path));
      expect(existsSync(join(ROOT, file)), `${page} links to ${target}: no file ${file}`).toBe(true);
      if (anchor !== undefined && file.endsWith(".md")) {
        expect(anchors(file).has(anchor), `${page} links to ${target}: no heading with that anchor in ${file}`).toBe(true);
      }
    }
  });

  it("the anchors are GitHub's", () => {
    expect(anchorOf("Deploy to AWS")).toBe("deploy-to-aws");
    expect(anchorOf("5. Settings")).toBe("5-settings");
    expect(anchorOf("Configuration (CDK context)")).toBe("configuration-cdk-context");
  });
});
