import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { restHandler } from "../../lambdas/aws/api-gateway";
import { sqsEventQueue } from "../../lambdas/aws/sqs-event-queue";
import { readIngestConfig } from "../../lambdas/core/config";
import type { IngestReport } from "../../lambdas/core/reports";
import { createIngestHandler } from "../../lambdas/ingest/ingest";
import { type LocalQueues, startLocalQueues } from "../../local/sqs-server";
import { apiEvent } from "../support/api-event";
import { takeAll } from "../support/queues";

// POST /events with offline and CRM events, a shopper's consent and LDU regions, against the real SQS protocol:
// what the caller is told and which destination each queued message names.

const NOW = 1_767_225_600;
const PIXEL = "C4PIXEL0000000000001";
const OFFLINE_SET = "7301234567890123456";
const CRM_SET = "7309876543210987654";
const auth = { Authorization: "Bearer key-one" };
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

let queues: LocalQueues;
beforeAll(async () => {
  queues = await startLocalQueues({ port: 0, maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
});
afterAll(() => queues.close());
beforeEach(async () => {
  await takeAll(queues.client, queues.eventsQueueUrl);
});

function handler(env: Record<string, string> = {}, observe?: (report: IngestReport) => void) {
  return restHandler(
    createIngestHandler({
      config: readIngestConfig({ TIKTOK_PIXEL_CODE: PIXEL, OFFLINE_EVENT_SET_ID: OFFLINE_SET, CRM_EVENT_SET_ID: CRM_SET, ...env }),
      queue: sqsEventQueue(queues.client, queues.eventsQueueUrl),
      log: { info() {}, warn() {}, error() {} },
      now: () => NOW,
      observe,
    }),
  );
}

const post = async (body: unknown, env?: Record<string, string>, observe?: (report: IngestReport) => void) => {
  const response = await handler(env, observe)(apiEvent(body, auth));
  return { status: response.statusCode, body: JSON.parse(response.body) };
};
const queued = async () =>
  Object.fromEntries(
    (await takeAll(queues.client, queues.eventsQueueUrl)).map((message) => JSON.parse(message.Body!)).map((q) => [q.event.event_id, q]),
  );

const storeSale = (id: string, extra: Record<string, unknown> = {}) => ({
  event: "Purchase",
  event_id: id,
  event_time: NOW - 10 * 86_400,
  user: { email: "shopper@example.com", phone: "020 7946 0018", country: "GB" },
  properties: { currency: "GBP", value: 42, order_id: 90001 },
  ...extra,
});
const qualifiedLead = (id: string, extra: Record<string, unknown> = {}) => ({
  event: "Lead",
  event_id: id,
  event_time: NOW - 3 * 86_400,
  lead: { lead_id: "7311111111111111111", lead_event_source: "Salesforce" },
  ...extra,
});

describe("POST /events: event sources", () => {
  it("a batch's event_source sends its events to the configured event set, 10 days old and all", async () => {
    const answer = await post({ event_source: "offline", test_event_code: "TEST9", data: [storeSale("pos-1")] });
    expect(answer).toEqual({ status: 202, body: { accepted: 1, event_ids: ["pos-1"], warnings: [] } });
    expect((await queued())["pos-1"]).toEqual({
      destination: { source: "offline", id: OFFLINE_SET, test_event_code: "TEST9" },
      event: {
        event: "Purchase",
        event_time: NOW - 10 * 86_400,
        event_id: "pos-1",
        user: { email: sha256("shopper@example.com"), phone: sha256("+442079460018"), country: "gb" },
        properties: { currency: "GBP", value: 42, order_id: "90001" },
      },
    });
  });

  it("one batch may mix sources: each event's own event_source and event_source_id decide", async () => {
    const answer = await post({
      data: [
        { event: "AddToCart", event_id: "web-1", event_time: NOW - 60 },
        storeSale("pos-2", { event_source: "offline", event_source_id: "7300000000000000042" }),
        qualifiedLead("crm-1", { event_source: "crm" }),
      ],
    });
    expect(answer.status).toBe(202);
    const byId = await queued();
    expect(byId["web-1"].destination).toEqual({ source: "web", id: PIXEL });
    expect(byId["pos-2"].destination).toEqual({ source: "offline", id: "7300000000000000042" });
    expect(byId["crm-1"].destination).toEqual({ source: "crm", id: CRM_SET });
    expect(byId["crm-1"].event.lead).toEqual({ lead_id: "7311111111111111111", lead_event_source: "Salesforce" });
  });

  it("400 names the field and the fix when no event set is configured or named", async () => {
    const answer = await post({ event_source: "crm", data: [qualifiedLead("crm-2")] }, { CRM_EVENT_SET_ID: "" });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      {
        index: 0,
        path: "event_source_id",
        message: "no CRM event set: set CRM_EVENT_SET_ID on the relay (CDK context crmEventSetId), or send event_source_id",
      },
    ]);
    expect(await queued()).toEqual({});
  });

  it.each([
    [{ event_source: "app" }, "event_source: must be web, offline, crm (app events are not supported: see the README)"],
    [
      { event_source: "offline", pixel_code: PIXEL },
      "pixel_code: names a web pixel; an offline event names its event set in event_source_id instead",
    ],
    [
      { event_source: "offline", event_source_id: "7301 2345" },
      "event_source_id: an offline event's event_source_id is a TikTok offline event set id",
    ],
    [{ event_source_id: "C4SHORT" }, "event_source_id: a web event's event_source_id is a TikTok pixel code"],
  ])("400 for a batch with %j", async (envelope, message) => {
    const answer = await post({ ...envelope, data: [storeSale("x")] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(message);
  });
});

describe("POST /events: consent and limited data use", () => {
  it("drops a denied event, counts it, and says so in the 202; the others are queued", async () => {
    const reports: IngestReport[] = [];
    const answer = await post(
      { data: [storeSale("keep", { event_source: "offline" }), storeSale("declined", { event_source: "offline", consent: "denied" })] },
      {},
      (report) => reports.push(report),
    );
    expect(answer).toEqual({
      status: 202,
      body: {
        accepted: 1,
        event_ids: ["keep"],
        dropped: { consent_denied: 1 },
        warnings: [
          {
            index: 1,
            path: "consent",
            message: "not sent: the shopper denied consent, so the relay dropped this event (nothing of it was queued or sent to TikTok)",
          },
        ],
      },
    });
    expect(Object.keys(await queued())).toEqual(["keep"]);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.received).toBe(2);
    expect(reports[0]!.accepted.map((item) => item.event.event_id)).toEqual(["keep"]);
    expect(reports[0]!.rejected).toEqual({ consent_denied: 1 });
  });

  it("a request whose every event is denied is a 202 with nothing queued", async () => {
    const answer = await post({ data: [storeSale("d1", { consent: "denied" })] });
    expect(answer.body).toMatchObject({ accepted: 0, event_ids: [], dropped: { consent_denied: 1 } });
    expect(await queued()).toEqual({});
  });

  it("LDU_REGIONS flags shoppers of those regions, whatever the source", async () => {
    const answer = await post(
      {
        data: [
          { event: "ViewContent", event_id: "ca", event_time: NOW - 60, user: { state: "CA", country: "US" } },
          { event: "ViewContent", event_id: "tx", event_time: NOW - 60, user: { state: "TX", country: "US" } },
          storeSale("co", { event_source: "offline", user: { email: "a@b.co", state: "Colorado", country: "US" } }),
        ],
      },
      { LDU_REGIONS: "US-CA,US-CO" },
    );
    expect(answer.status).toBe(202);
    const byId = await queued();
    expect(byId.ca.event.limited_data_use).toBe(true);
    expect(byId.tx.event).not.toHaveProperty("limited_data_use");
    expect(byId.co.event.limited_data_use).toBe(true);
  });
});
