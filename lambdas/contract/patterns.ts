// What a value must look like, checked where it is configured (CDK context) and where it arrives (events,
// environment): one pattern each.

/** A TikTok pixel code as Events Manager shows it. */
export const PIXEL_CODE = /^[A-Za-z0-9]{10,32}$/;
/**
 * An offline or CRM event set id (TikTok's event_source_id for those sources). TikTok documents no format:
 * letters and digits, as its ids are. Long numeric ids must travel as strings (a JSON number loses digits).
 */
export const EVENT_SET_ID = /^[A-Za-z0-9]{1,64}$/;
/** A TikTok test event code (Events Manager → Test events). */
export const TEST_EVENT_CODE = /^[A-Za-z0-9_-]{1,64}$/;
/** ISO 3166-1 alpha-2, upper-case once read. */
export const COUNTRY_CODE = /^[A-Z]{2}$/;
/** A WooCommerce event_id template must name the order, or every order would share one event_id. */
export const EVENT_ID_TEMPLATE = /\{(id|number|order_key)\}/;
/** A limited-data-use region: an ISO 3166-2 subdivision (US-CA) or a whole ISO 3166-1 country (US). */
export const LDU_REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
/**
 * A tenant's name (one shop of an agency relay): chosen by the operator, so it may be a metric dimension and a
 * URL path segment (/woocommerce/<tenant>). Lower-case, short, no separators the ledger or labels use.
 */
export const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
