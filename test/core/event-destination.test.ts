import { describe, expect, it } from "vitest";
import { destinationFor, readBatchTarget, readTarget, resolveTarget } from "../../lambdas/core/event-destination";

const PIXEL = "C4PIXEL0000000000001";
const OFFLINE_SET = "7301234567890123456";
const CRM_SET = "7309876543210987654";

describe("readTarget and resolveTarget", () => {
  const resolve = (own: Parameters<typeof readTarget>[0], batch: Parameters<typeof readTarget>[0] = {}) => {
    const ownTarget = readTarget(own);
    const batchTarget = readTarget(batch);
    if (!ownTarget.ok || !batchTarget.ok) throw new Error("unexpected");
    return resolveTarget(ownTarget.value, batchTarget.value);
  };

  it("is web when nothing says otherwise, with no id of its own", () => {
    expect(resolve({})).toEqual({ ok: true, value: { source: "web" } });
  });

  it("pixel_code is a web event's event_source_id", () => {
    expect(resolve({ pixel_code: PIXEL })).toEqual({ ok: true, value: { source: "web", id: PIXEL } });
    expect(resolve({ event_source: "web", event_source_id: PIXEL })).toEqual({ ok: true, value: { source: "web", id: PIXEL } });
  });

  it("takes the batch's source and id, the event's own over them", () => {
    const batch = { event_source: "offline", event_source_id: OFFLINE_SET } as const;
    expect(resolve({}, batch)).toEqual({ ok: true, value: { source: "offline", id: OFFLINE_SET } });
    expect(resolve({ event_source_id: "7300000000000000001" }, batch)).toEqual({
      ok: true,
      value: { source: "offline", id: "7300000000000000001" },
    });
    // Another source: the batch's id is not for it.
    expect(resolve({ event_source: "crm" }, batch)).toEqual({ ok: true, value: { source: "crm" } });
    expect(resolve({ pixel_code: PIXEL }, batch)).toEqual({ ok: true, value: { source: "web", id: PIXEL } });
  });

  it("refuses a pixel_code on another source, or one that contradicts event_source_id", () => {
    expect(readTarget({ event_source: "offline", pixel_code: PIXEL })).toMatchObject({ ok: false, path: "pixel_code" });
    expect(readTarget({ event_source_id: "C4OTHERPIXEL00001", pixel_code: PIXEL })).toMatchObject({ ok: false, path: "pixel_code" });
  });

  it("checks an id against its source: a pixel code for web, an event set id for the others", () => {
    expect(resolve({ event_source_id: "7301234567890123456" })).toMatchObject({ ok: true });
    expect(resolve({ event_source_id: "short" })).toEqual({
      ok: false,
      path: "event_source_id",
      message: "a web event's event_source_id is a TikTok pixel code (10 to 32 letters and digits)",
    });
    expect(resolve({ event_source: "crm", event_source_id: "73098-765" })).toEqual({
      ok: false,
      path: "event_source_id",
      message: "a CRM event's event_source_id is a TikTok CRM event set id (1 to 64 letters and digits, sent as a string)",
    });
  });
});

describe("readBatchTarget", () => {
  it("refuses what is not a source or an id, naming the field", () => {
    expect(readBatchTarget({ event_source: "app", event_source_id: undefined, pixel_code: undefined })).toMatchObject({
      ok: false,
      path: "event_source",
      message: expect.stringContaining("app events are not supported"),
    });
    expect(readBatchTarget({ event_source: "offline", event_source_id: 7301234567890123, pixel_code: undefined })).toMatchObject({
      ok: false,
      path: "event_source_id",
    });
    expect(readBatchTarget({ event_source: "offline", event_source_id: "no spaces allowed", pixel_code: undefined })).toMatchObject({
      ok: false,
      path: "event_source_id",
    });
  });
});

describe("destinationFor", () => {
  const defaults = { pixelCode: PIXEL, offlineEventSetId: OFFLINE_SET, crmEventSetId: CRM_SET, testEventCode: "TEST42" };

  it("completes a target with the relay's default for its source, and the test code", () => {
    expect(destinationFor({ source: "web" }, defaults)).toEqual({ ok: true, value: { source: "web", id: PIXEL, testEventCode: "TEST42" } });
    expect(destinationFor({ source: "offline" }, defaults)).toEqual({
      ok: true,
      value: { source: "offline", id: OFFLINE_SET, testEventCode: "TEST42" },
    });
    expect(destinationFor({ source: "crm", id: "7300000000000000009" }, { pixelCode: PIXEL })).toEqual({
      ok: true,
      value: { source: "crm", id: "7300000000000000009" },
    });
  });

  it("without an id says which setting or field gives one", () => {
    expect(destinationFor({ source: "web" }, {})).toEqual({
      ok: false,
      path: "pixel_code",
      message: "no pixel: set TIKTOK_PIXEL_CODE on the relay, or send pixel_code",
    });
    expect(destinationFor({ source: "offline" }, { pixelCode: PIXEL })).toEqual({
      ok: false,
      path: "event_source_id",
      message: "no offline event set: set OFFLINE_EVENT_SET_ID on the relay (CDK context offlineEventSetId), or send event_source_id",
    });
    expect(destinationFor({ source: "crm" }, { pixelCode: PIXEL })).toMatchObject({
      ok: false,
      message: expect.stringContaining("CRM_EVENT_SET_ID"),
    });
  });
});
