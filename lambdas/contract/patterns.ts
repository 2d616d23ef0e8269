// What a value must look like, checked where it is configured (CDK context) and where it arrives (events,
// environment): one pattern each.

/** A TikTok pixel code as Events Manager shows it. */
export const PIXEL_CODE = /^[A-Za-z0-9]{10,32}$/;
/** A TikTok test event code (Events Manager → Test events). */
export const TEST_EVENT_CODE = /^[A-Za-z0-9_-]{1,64}$/;
/** ISO 3166-1 alpha-2, upper-case once read. */
export const COUNTRY_CODE = /^[A-Z]{2}$/;
/** A WooCommerce event_id template must name the order, or every order would share one event_id. */
export const EVENT_ID_TEMPLATE = /\{(id|number|order_key)\}/;
