import { beforeEach, describe, expect, it } from "vitest";
import { readDeadLetter } from "../../lambdas/core/dead-letter";
import { encodeQueuedEvent } from "../../lambdas/core/queued-event";
import { tenantTokens } from "../../lambdas/sender/tenant-tokens";
import { ok } from "../support/fake-tiktok";
import { takeAll } from "../support/queues";
import { failures, NOW, receiveBatch, senderFor, useSenderFixture } from "../support/sender-harness";

// The sender with several tenants in one batch: each tenant's requests carry its own token and only its
// events; one tenant's revoked token stops that tenant alone; dead letters and metrics name the tenant.

const fixture = useSenderFixture();
const PIXELS = { a: "C4PIXELAAAAAAAAAAAA1", b: "C4PIXELBBBBBBBBBBBB2", c: "C4PIXELCCCCCCCCCCCC3" } as const;
type Name = keyof typeof PIXELS;
const message = (tenant: Name, id: string) =>
  encodeQueuedEvent({
    destination: { source: "web", id: PIXELS[tenant], tenant },
    event: { event: "Purchase", event_time: NOW - 60, event_id: id },
  });
const tokens = tenantTokens({ get: async () => "single", refresh: async () => "single" }, { token: async (name) => `token-${name}` });

beforeEach(() =>
  fixture.tiktok.reset((request) =>
    request.headers["access-token"] === "token-b" ? { status: 200, body: { code: 40105, message: "Access token is invalid" } } : ok(),
  ),
);

describe("sender: tenants", () => {
  it("sends each tenant with its own token, halts only the tenant whose token is revoked, and names it", async () => {
    const counted: string[] = [];
    const send = senderFor(fixture.queues, fixture.tiktok, {
      token: tokens,
      maxReceiveCount: 1,
      count: (metric, value, dimension) => {
        if (dimension?.name === "Tenant") counted.push(`${metric}:${dimension.value}=${value}`);
      },
    });
    const response = await send(
      await receiveBatch(fixture.queues, [
        message("a", "a-1"),
        message("b", "b-1"),
        message("c", "c-1"),
        message("b", "b-2"),
        message("a", "a-2"),
      ]),
    );
    expect(failures(response)).toEqual([]);
    // one request per tenant (b's twice: its token is re-read once after the auth error)
    const sent = fixture.tiktok.requests.map((r) => [
      r.body.event_source_id,
      r.headers["access-token"],
      r.body.data.map((e) => e.event_id),
    ]);
    expect(sent).toEqual([
      [PIXELS.a, "token-a", ["a-1", "a-2"]],
      [PIXELS.b, "token-b", ["b-1", "b-2"]],
      [PIXELS.b, "token-b", ["b-1", "b-2"]],
      [PIXELS.c, "token-c", ["c-1"]],
    ]);
    expect(fixture.tiktok.deliveredIds().sort()).toEqual(["a-1", "a-2", "c-1"]);
    const dead = (await takeAll(fixture.queues.client, fixture.queues.deadLetterQueueUrl)).map((m) => readDeadLetter(m.MessageAttributes));
    expect(
      dead.map(({ eventId, reason, tenant }) => ({ eventId, reason, tenant })).sort((x, y) => x.eventId!.localeCompare(y.eventId!)),
    ).toEqual([
      { eventId: "b-1", reason: "40105", tenant: "b" },
      { eventId: "b-2", reason: "40105", tenant: "b" },
    ]);
    expect(counted.sort()).toEqual(["EventsDeadLettered:b=2", "EventsDelivered:a=2", "EventsDelivered:c=1"]);
  });

  it("holds a tenant without a token as token_unavailable, and sends the others", async () => {
    const send = senderFor(fixture.queues, fixture.tiktok, {
      token: tenantTokens(
        { get: async () => "single", refresh: async () => "single" },
        { token: async (name) => (name === "a" ? undefined : `token-${name}`) },
      ),
      maxReceiveCount: 1,
    });
    expect(failures(await send(await receiveBatch(fixture.queues, [message("a", "a-3"), message("c", "c-3")])))).toEqual([]);
    expect(fixture.tiktok.deliveredIds()).toEqual(["c-3"]);
    const dead = (await takeAll(fixture.queues.client, fixture.queues.deadLetterQueueUrl)).map((m) => readDeadLetter(m.MessageAttributes));
    expect(dead).toMatchObject([{ eventId: "a-3", reason: "token_unavailable", tenant: "a" }]);
    expect(dead[0]!.detail).toContain("npm run tenants -- set-token a");
  });
});
