/** A TikTok pixel code as Events Manager shows it (kept here for the core's imports; the contract owns it). */
export { PIXEL_CODE } from "../contract/patterns";
