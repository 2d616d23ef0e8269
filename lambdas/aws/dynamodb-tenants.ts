import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { TENANT_ITEM_KINDS, TENANT_PARTITION_KEY, type TenantItemKind } from "../contract/ledger";
import type { Tenant, TenantDirectory } from "../core/tenant";

// Tenants in one DynamoDB table, one item per kind of thing a function reads (see TENANT_PARTITION_KEY):
// the authorizer can read key items and nothing else, the sender token items, and so on. Tokens and webhook
// secrets rest encrypted under the table's KMS key; keys are only stored as SHA-256.

type Item = Record<string, AttributeValue>;

const pk = (kind: TenantItemKind, id: string) => `${TENANT_ITEM_KINDS[kind]}#${id}`;

export function dynamoDbTenants(client: DynamoDBClient, tableName: string): TenantDirectory {
  const get = async (kind: TenantItemKind, id: string): Promise<Item | undefined> =>
    (
      await client.send(
        new GetItemCommand({ TableName: tableName, Key: { [TENANT_PARTITION_KEY]: { S: pk(kind, id) } }, ConsistentRead: true }),
      )
    ).Item;
  return {
    tenantOfKey: async (hash) => (await get("key", hash))?.tenant?.S,
    tenant: async (name) => {
      const config = (await get("tenant", name))?.config?.S;
      return config === undefined ? undefined : (JSON.parse(config) as Tenant);
    },
    token: async (name) => (await get("token", name))?.token?.S,
    webhookSecrets: async (name) => JSON.parse((await get("webhook", name))?.secrets?.S ?? "[]") as string[],
  };
}

/** What `npm run tenants` does to the table: the operator's side, never used by the functions. */
export function tenantAdmin(client: DynamoDBClient, tableName: string) {
  const put = (kind: TenantItemKind, id: string, fields: Item) =>
    client.send(new PutItemCommand({ TableName: tableName, Item: { [TENANT_PARTITION_KEY]: { S: pk(kind, id) }, ...fields } }));
  const remove = (kind: TenantItemKind, id: string) =>
    client.send(new DeleteItemCommand({ TableName: tableName, Key: { [TENANT_PARTITION_KEY]: { S: pk(kind, id) } } }));
  const scan = async (kind: TenantItemKind): Promise<Item[]> => {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: "begins_with(#pk, :prefix)",
          ExpressionAttributeNames: { "#pk": TENANT_PARTITION_KEY },
          ExpressionAttributeValues: { ":prefix": { S: `${TENANT_ITEM_KINDS[kind]}#` } },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const now = () => ({ S: new Date().toISOString() });
  return {
    putTenant: (tenant: Tenant) => put("tenant", tenant.name, { config: { S: JSON.stringify(tenant) }, updated_at: now() }),
    addKey: (name: string, hash: string) => put("key", hash, { tenant: { S: name }, created_at: now() }),
    removeKey: (hash: string) => remove("key", hash),
    setToken: (name: string, token: string) => put("token", name, { token: { S: token }, updated_at: now() }),
    setWebhookSecrets: (name: string, secrets: string[]) =>
      put("webhook", name, { secrets: { S: JSON.stringify(secrets) }, updated_at: now() }),
    /** Key hashes of a tenant, oldest first, with when each was created. */
    keysOf: async (name: string) =>
      (await scan("key"))
        .filter((item) => item.tenant?.S === name)
        .map((item) => ({ hash: item[TENANT_PARTITION_KEY]!.S!.slice("key#".length), createdAt: item.created_at?.S ?? "" }))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    list: async (): Promise<Tenant[]> =>
      (await scan("tenant")).map((item) => JSON.parse(item.config!.S!) as Tenant).sort((a, b) => a.name.localeCompare(b.name)),
    hasToken: async (name: string) =>
      (
        await client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { [TENANT_PARTITION_KEY]: { S: pk("token", name) } },
            ProjectionExpression: TENANT_PARTITION_KEY,
          }),
        )
      ).Item !== undefined,
    /** Removes the tenant and everything of it: keys, token, webhook secrets. */
    removeTenant: async (name: string) => {
      const keys = (await scan("key")).filter((item) => item.tenant?.S === name);
      for (const item of keys) await remove("key", item[TENANT_PARTITION_KEY]!.S!.slice("key#".length));
      await remove("token", name);
      await remove("webhook", name);
      await remove("tenant", name);
    },
  };
}

export type TenantAdmin = ReturnType<typeof tenantAdmin>;
