/** A TikTok pixel code as Events Manager shows it. (Its own module: the sender needs it without zod.) */
export const PIXEL_CODE = /^[A-Za-z0-9]{10,32}$/;
