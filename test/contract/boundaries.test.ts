import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The seams, checked on the source: who may import whom. A wrong import compiles and runs, so only this
// catches it before the next change tangles the layers again.

const ROOT = new URL("../..", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (type-only imports included: they are dependencies too). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/g)].map((match) => match[1]!);
}

/** An import as a path from the project root (relative specifiers resolved), or the package name. */
function target(file: string, specifier: string): string {
  return specifier.startsWith(".") ? relative(ROOT, join(ROOT, file, "..", specifier)) : specifier;
}

describe("layer boundaries", () => {
  it("the contract module depends on nothing at all", () => {
    for (const file of sources("lambdas/contract")) {
      for (const spec of importsOf(file)) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[a-z-]+$/);
    }
  });

  it("the core imports nothing from lambdas/aws, the AWS SDK or the Lambda runtime", () => {
    const files = sources("lambdas/core");
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const to = target(file, spec);
        expect(to, `${file} imports ${spec}`).not.toMatch(/^lambdas\/aws|^@aws-sdk\/|^aws-lambda$|^@aws-lambda-powertools\/|^@middy\//);
        if (to.startsWith("lambdas/")) expect(to, `${file} imports ${spec}`).toMatch(/^lambdas\/(core|contract)\b/);
      }
    }
  });

  it("adapters in lambdas/aws import ports from the core, never a handler", () => {
    for (const file of sources("lambdas/aws")) {
      for (const spec of importsOf(file)) {
        const to = target(file, spec);
        if (to.startsWith("lambdas/")) expect(to, `${file} imports ${spec}`).toMatch(/^lambdas\/(core|contract|aws)\b/);
      }
    }
  });

  it("a handler imports no other handler", () => {
    for (const handler of ["authorizer", "ingest", "sender", "woocommerce"]) {
      for (const file of sources(`lambdas/${handler}`)) {
        for (const spec of importsOf(file)) {
          const to = target(file, spec);
          if (to.startsWith("lambdas/"))
            expect(to, `${file} imports ${spec}`).toMatch(new RegExp(`^lambdas/(core|contract|aws|${handler})\\b`));
        }
      }
    }
  });

  it("lib/ imports from lambdas/ only the contract (handler entries are paths, not imports)", () => {
    for (const file of sources("lib")) {
      for (const spec of importsOf(file)) {
        const to = target(file, spec);
        if (to.startsWith("lambdas/")) expect(to, `${file} imports ${spec}`).toMatch(/^lambdas\/contract\b/);
      }
    }
  });
});
