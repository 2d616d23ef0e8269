import type { WebhookRefusalReason, WebhookSkipReason } from "../contract";
import type { IngestConfig } from "../core/config";
import { webDestination } from "../core/destination";
import { type EventQueue, queueEntry } from "../core/event-queue";
import { isoTime } from "../core/event-time";
import { type HttpHandler, type HttpRequest, jsonResponse } from "../core/http";
import type { LedgerGuard } from "../core/ledger-guard";
import { parseLduRegion } from "../core/limited-data-use";
import type { Log } from "../core/log";
import { prepareEvent } from "../core/prepare";
import type { IngestReport, WebhookOutcome } from "../core/reports";
import type { EventIssue } from "../core/schema";
import { TENANT_NAME, type TenantDirectory, tenantIngestConfig } from "../core/tenant";
import type { WooCommerceConfig } from "./config";
import { orderToEvent } from "./order-event";
import { looksLikeSignature, signatureMatches } from "./signature";

// POST /woocommerce: a signed order webhook → at most one purchase event in the queue. WooCommerce never
// retries and disables a webhook after 5 failed deliveries in a row, so only what the shop can fix (a wrong
// secret) and a relay outage answer non-2xx; everything else is a 200 that says why nothing was queued.

export interface WebhookDeps {
  ingest: IngestConfig;
  woocommerce: WooCommerceConfig;
  /** The valid webhook secrets (several during a rotation). */
  secrets: () => Promise<string[]>;
  queue: EventQueue;
  /**
   * What TikTok already accepted: an order whose purchase was delivered is answered "already sent" and not
   * queued again (WooCommerce sends the same order on every status change and edit). The sender checks too.
   */
  ledger?: LedgerGuard;
  log: Log;
  now?: () => number;
  /** Told about each order queued, like the ingest handler's reports. */
  observe?: (report: IngestReport) => void;
  /** Told about each delivery refused or skipped and why: metrics (and alarms) in AWS, /stats locally. */
  record?: (outcome: WebhookOutcome) => void;
  /** Tenants: POST /woocommerce/{tenant} checks the tenant's secret and sends to the tenant's pixel. */
  tenants?: Pick<TenantDirectory, "tenant" | "webhookSecrets">;
}

export function createWooCommerceHandler(deps: WebhookDeps): HttpHandler {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return async (request) => {
    const result = await handle(request);
    deps.log.info("woocommerce", { status: result.statusCode, ...result.log });
    return jsonResponse(result.statusCode, result.body);
  };

  async function handle(request: HttpRequest): Promise<{ statusCode: number; body: unknown; log?: Record<string, unknown> }> {
    const raw = request.body;
    const header = (name: string): string | undefined => request.headers[name];
    const signature = header("x-wc-webhook-signature");

    // /woocommerce/<tenant>: the tenant's secret, pixel and settings; /woocommerce: the single shop's.
    const tenantName = request.pathParameters?.tenant;
    let ingest = deps.ingest;
    let readSecrets = deps.secrets;
    if (tenantName !== undefined) {
      const tenant = TENANT_NAME.test(tenantName) && deps.tenants ? await deps.tenants.tenant(tenantName) : undefined;
      if (!tenant)
        return refuse(404, "unknown_tenant", "no such shop on this relay: check the webhook's delivery URL (/woocommerce/<tenant>)");
      ingest = tenantIngestConfig(deps.ingest, tenant, parseLduRegion);
      readSecrets = () => deps.tenants!.webhookSecrets(tenant.name);
    }

    // Creating a webhook in WooCommerce sends an unsigned ping; anything but 2xx makes the creation fail.
    if (!signature && raw.length < 64 && /^webhook_id=\d+$/.test(raw.toString("utf8").trim()))
      return { statusCode: 200, body: { ok: true, ping: true }, log: { ping: true } };

    // What can be refused without the secret is refused first: reading it (a Secrets Manager call when the
    // cache is cold) and an HMAC over a large body are the expensive part of a request anyone can send.
    if (!signature) {
      return refuse(401, "unsigned", "missing X-WC-Webhook-Signature: WooCommerce signs every delivery with the webhook's secret");
    }
    if (raw.length > deps.ingest.maxBodyBytes) {
      return refuse(
        413,
        "too_large",
        `body is ${raw.length} bytes; the relay accepts at most ${deps.ingest.maxBodyBytes} (MAX_BODY_BYTES): raise it if real orders are this large`,
      );
    }
    if (!looksLikeSignature(signature)) return refuse(401, "signature_wrong", WRONG_SIGNATURE);

    let secrets: string[];
    try {
      secrets = await readSecrets();
    } catch (error) {
      deps.log.error("cannot read the WooCommerce webhook secret", { reason: error instanceof Error ? error.message : String(error) });
      return { statusCode: 503, body: { error: "the relay cannot read its webhook secret right now" } };
    }
    if (secrets.length === 0) {
      return refuse(
        401,
        "no_secret",
        "the relay has no WooCommerce webhook secret: set WOOCOMMERCE_WEBHOOK_SECRET (locally) or the webhook secret in AWS",
      );
    }
    if (!signatureMatches(raw, signature, secrets)) return refuse(401, "signature_wrong", WRONG_SIGNATURE);

    const topic = header("x-wc-webhook-topic") ?? "";
    const delivery = header("x-wc-webhook-delivery-id");
    if (!deps.woocommerce.topics.includes(topic))
      return skip("unhandled_topic", `topic "${topic}" is not handled (${deps.woocommerce.topics.join(", ")})`, { topic });

    let order: unknown;
    try {
      order = JSON.parse(raw.toString("utf8"));
    } catch {
      return skip("not_json", "the body is not JSON", { topic, delivery });
    }
    const mapped = orderToEvent(order, deps.woocommerce.order);
    if (mapped.kind === "skip") return skip("not_a_purchase", mapped.reason, { topic, delivery });

    const options = {
      ...ingest,
      nowSeconds: now(),
      // A national phone number is read in the billing country, not the relay's default.
      defaultPhoneCountry: mapped.phoneCountry ?? ingest.defaultPhoneCountry,
    };
    let prepared = prepareEvent(mapped.event, 0, options);
    const dropped: EventIssue[] = [];
    if (!prepared.ok && prepared.issues.every((issue) => issue.path.startsWith("user."))) {
      // Shoppers and their browsers control these fields (an endless user agent, a pasted e-mail): losing one
      // identifier is better than losing the purchase.
      const user = { ...mapped.event.user } as Record<string, unknown>;
      for (const issue of prepared.issues) {
        delete user[issue.path.split(".")[1]!];
        dropped.push({ ...issue, message: `dropped: ${issue.message}` });
      }
      prepared = prepareEvent({ ...mapped.event, user }, 0, options);
    }
    if (prepared.ok) prepared.warnings.push(...dropped);
    if (!prepared.ok) {
      return skip(
        "cannot_send",
        `the order cannot be sent to TikTok: ${prepared.issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}`,
        { topic, delivery },
      );
    }
    // An order carries no consent signal of its own; the check keeps the types honest if one is mapped some day.
    if (prepared.dropped) return skip("not_a_purchase", "the shopper denied consent", { topic, delivery });
    const pixel = ingest.pixelCode;
    if (!pixel) {
      deps.log.error("no TikTok pixel configured for WooCommerce orders: set TIKTOK_PIXEL_CODE");
      return skip("no_pixel", "the relay has no TikTok pixel configured (TIKTOK_PIXEL_CODE)", { topic, delivery });
    }
    // WOOCOMMERCE_TEST_EVENT_CODE tries the webhook path in Test events without touching POST /events.
    const destination = webDestination(pixel, deps.woocommerce.testEventCode ?? ingest.testEventCode);
    if (tenantName !== undefined) destination.tenant = tenantName;
    const entry = queueEntry(prepared.event, destination);
    if (deps.ledger) {
      const held = await deps.ledger.held([{ key: entry.id, queued: { destination, event: prepared.event } }]);
      const deliveredAt = held.get(entry.id);
      if (deliveredAt !== undefined) {
        const order = prepared.event.properties?.order_id ?? entry.id;
        return skip("already_sent", `order ${order} was already sent to TikTok on ${isoTime(deliveredAt)}`, {
          topic,
          delivery,
          eventId: entry.id,
        });
      }
    }
    const { failedIds } = await deps.queue.send([entry], { deadline: request.deadline });
    if (failedIds.length > 0) {
      // The relay's own outage: WooCommerce will show the failed delivery, and the next update of the order
      // (or a re-sent webhook) carries the same event_id.
      deps.log.error("queue refused the order event", { eventId: entry.id });
      return { statusCode: 503, body: { error: "the relay could not queue the event; retry the delivery" }, log: { eventId: entry.id } };
    }
    deps.observe?.({ received: 1, accepted: [{ destination, event: prepared.event }], rejected: {} });
    return {
      statusCode: 200,
      body: { accepted: 1, event_id: entry.id, warnings: prepared.warnings },
      log: { topic, delivery, eventId: entry.id, warnings: prepared.warnings.length },
    };
  }

  function skip(why: WebhookSkipReason, reason: string, log: Record<string, unknown>) {
    deps.record?.({ kind: "skipped", reason: why });
    return { statusCode: 200, body: { skipped: reason }, log: { ...log, skipped: reason, reason: why } };
  }

  function refuse(statusCode: number, why: WebhookRefusalReason, error: string) {
    deps.record?.({ kind: "refused", reason: why });
    return { statusCode, body: { error }, log: { refused: why } };
  }
}

const WRONG_SIGNATURE = "invalid X-WC-Webhook-Signature: the webhook's secret in WooCommerce must equal the relay's webhook secret";
