// The one cookie call the SDK needs: write `name=value` with attributes (RFC 6265 §4.1), or
// delete it by writing it expired. js-cookie did this with its whole get/set/remove/converter
// API, 553 B gzip of the first view for two calls (issue 31's 11,264 B budget). A name is
// written as it stands: the consent cookie's is checked ([A-Za-z0-9_-], src/config/shape.ts)
// and clean-up deletes names read back from document.cookie, which only match unencoded. The
// attributes come from the site's own config, whose check allows no ";" or space in them.

export interface CookieAttributes {
  path: string
  domain?: string
  sameSite?: string
  secure?: boolean
}

/** Writes the cookie for `days` (0: deleted at once). Values must be cookie-safe already. */
export const writeCookie = (name: string, value: string, days: number, { path, domain, sameSite, secure }: CookieAttributes): void => {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is asynchronous and missing in Firefox; a decision is stored before the click returns
  document.cookie =
    `${name}=${value};path=${path};expires=${new Date(days ? Date.now() + days * 864e5 : 0).toUTCString()}` +
    (domain ? ';domain=' + domain : '') +
    (sameSite ? ';samesite=' + sameSite : '') +
    (secure ? ';secure' : '')
}
