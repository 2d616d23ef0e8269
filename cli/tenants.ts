import { randomBytes } from "node:crypto";
import type { TenantAdmin } from "../lambdas/aws/dynamodb-tenants";
import { LDU_REGION } from "../lambdas/contract";
import { keyHash, type Tenant, tenantProblem } from "../lambdas/core/tenant";
import { CliError } from "./errors";
import type { TenantArgs } from "./tenant-args";

// `npm run tenants`: what each command does to the tenant table. Keys and webhook secrets are generated
// here and printed once; the table keeps a key's SHA-256 only. The token is read from standard input, so it
// never appears in a shell history or a process list.

export interface TenantDeps {
  admin: TenantAdmin;
  print: (line: string) => void;
  /** The token for set-token (standard input in the CLI). */
  readToken?: () => Promise<string>;
}

/** A new secret value: 32 random bytes, URL-safe. */
export const newSecret = (prefix: string) => `${prefix}_${randomBytes(32).toString("base64url")}`;
/** What `show` prints for a key: its hash's first 12 hex digits, the key id the logs carry too. */
const keyIdOf = (hash: string) => hash.slice(0, 12);

export async function runTenants(args: TenantArgs, deps: TenantDeps): Promise<number> {
  const { admin, print } = deps;
  const name = args.name!;
  const existing = async () => {
    const tenant = (await admin.list()).find((t) => t.name === name);
    if (!tenant) throw new CliError(`no tenant "${name}": npm run tenants -- list`);
    return tenant;
  };
  switch (args.command) {
    case "help":
      return 0;
    case "list": {
      const tenants = await admin.list();
      if (tenants.length === 0) print("no tenants: the relay serves its single shop only (npm run tenants -- add <name> --pixel <code>)");
      for (const tenant of tenants)
        print(`${tenant.name}\tpixels ${tenant.pixels.join(",") || "-"}\ttoken ${(await admin.hasToken(tenant.name)) ? "set" : "MISSING"}`);
      return 0;
    }
    case "show": {
      const tenant = await existing();
      const keys = await admin.keysOf(name);
      print(
        JSON.stringify(
          {
            ...tenant,
            keys: keys.map((key) => ({ id: keyIdOf(key.hash), created: key.createdAt })),
            token: (await admin.hasToken(name)) ? "set" : "missing",
          },
          null,
          2,
        ),
      );
      return 0;
    }
    case "add": {
      const before = (await admin.list()).find((t) => t.name === name);
      const tenant: Tenant = {
        name,
        pixels: args.pixels.length > 0 ? args.pixels : (before?.pixels ?? []),
        offlineEventSets: args.offlineEventSets.length > 0 ? args.offlineEventSets : (before?.offlineEventSets ?? []),
        crmEventSets: args.crmEventSets.length > 0 ? args.crmEventSets : (before?.crmEventSets ?? []),
        settings: {
          ...before?.settings,
          ...(args.phoneCountry !== undefined ? { defaultPhoneCountry: args.phoneCountry } : {}),
          ...(args.customEvents !== undefined ? { allowCustomEvents: args.customEvents } : {}),
          ...(args.lduRegions !== undefined ? { lduRegions: args.lduRegions } : {}),
        },
      };
      const testEventCode = args.testEventCode ?? before?.testEventCode;
      if (testEventCode) tenant.testEventCode = testEventCode;
      const problem =
        tenantProblem(tenant) ??
        tenant.settings.lduRegions?.filter((r) => !LDU_REGION.test(r)).map((r) => `LDU region "${r}" is not like US-CA`)[0];
      if (problem) throw new CliError(problem, 2);
      // A pixel belongs to one tenant: two shops sharing one would send with each other's events.
      const others = (await admin.list()).filter((t) => t.name !== name);
      const taken = [...tenant.pixels, ...tenant.offlineEventSets, ...tenant.crmEventSets].find((id) =>
        others.some((t) => [...t.pixels, ...t.offlineEventSets, ...t.crmEventSets].includes(id)),
      );
      if (taken !== undefined) throw new CliError(`${taken} already belongs to another tenant: a pixel or event set has one owner`, 2);
      await admin.putTenant(tenant);
      if (before) {
        print(`updated tenant ${name}`);
        return 0;
      }
      const key = newSecret("tk");
      await admin.addKey(name, keyHash(key));
      const secret = newSecret("wc");
      await admin.setWebhookSecrets(name, [secret]);
      print(`added tenant ${name}`);
      print(`ingest key (shown once; the relay keeps only its SHA-256): ${key}`);
      print(`WooCommerce webhook secret (shown once): ${secret}`);
      print(`next: npm run tenants -- set-token ${name} ... < token.txt`);
      return 0;
    }
    case "rotate-key": {
      await existing();
      const keys = await admin.keysOf(name);
      if (args.revokeOld) {
        // The second step of a rotation: every key but the newest stops working.
        const old = keys.slice(0, -1);
        for (const { hash } of old) await admin.removeKey(hash);
        print(
          `revoked ${old.length} older key(s) of ${name}: they stop working within TENANT_CACHE_SECONDS and the API's authorizer cache`,
        );
        return 0;
      }
      const key = newSecret("tk");
      await admin.addKey(name, keyHash(key));
      print(`new ingest key for ${name} (shown once): ${key}`);
      print(`the older key(s) still work: once callers use the new one, run rotate-key ${name} --revoke-old`);
      return 0;
    }
    case "set-token": {
      await existing();
      const token = (await deps.readToken?.())?.trim();
      if (!token) throw new CliError("no token on standard input: npm run tenants -- set-token NAME ... < token.txt", 2);
      await admin.setToken(name, token);
      print(`stored the TikTok access token of ${name}`);
      return 0;
    }
    case "set-webhook-secret": {
      await existing();
      const secret = newSecret("wc");
      await admin.setWebhookSecrets(name, [secret]);
      print(`new WooCommerce webhook secret for ${name} (shown once): ${secret}`);
      return 0;
    }
    case "remove":
      await existing();
      await admin.removeTenant(name);
      print(`removed tenant ${name}, its keys, token and webhook secret`);
      return 0;
  }
}
