// The JSON configuration (docs/config.md). consentry.schema.json describes the same
// shape for editors and CI; test/unit/schema.test.ts fails when the two drift.

/** Consent modes (docs/regions.md); receipts carry the one applied (src/receipts/verify.ts checks it). */
export const MODES = ['opt-in', 'opt-out', 'notice'] as const
export type Mode = (typeof MODES)[number]

export interface CookieOptions {
  /**
   * Name of the consent cookie.
   * @example "consentry"
   */
  name?: string
  /**
   * Domain attribute; empty = the current host only.
   * @example "example.com"
   */
  domain?: string
  /**
   * Path attribute of the consent cookie.
   * @example "/"
   */
  path?: string
  /**
   * SameSite attribute of the consent cookie.
   * @example "Lax"
   */
  sameSite?: 'Lax' | 'Strict' | 'None'
  /**
   * Defaults to true on https pages.
   * @example true
   */
  secure?: boolean
  /**
   * How long a decision (acceptance or refusal) is kept before asking again.
   * @example 182
   */
  expiresDays?: number
}

export interface CookieInfo {
  /**
   * A cookie name, or a `/regex/` source matching several names.
   * @example "_ga"
   */
  name: string
  /**
   * Who sets the cookie, shown in the cookie table.
   * @example "Google Ireland Ltd"
   */
  provider?: string
  /**
   * What the cookie is for, shown in the cookie table.
   * @example "Distinguishes visitors"
   */
  purpose?: string
  /**
   * How long the cookie lives, shown in the cookie table.
   * @example "2 years"
   */
  duration?: string
}

export interface ServiceConfig {
  /**
   * Name shown in the preference centre (else the service key). One language: for others use `translations.<lang>.services.<name>.title` (every service of that name) or `translations.<lang>.services.<category>:<name>.title` (this one).
   * @example "Google Analytics"
   */
  title?: string
  /**
   * What the service does and why; shown under its switch. Needed for informed consent when it sets cookies.
   * @example "Counts visits and measures how pages are used."
   */
  description?: string
  /**
   * The company that runs the service.
   * @example "Google Ireland Ltd"
   */
  provider?: string
  /**
   * Link to the provider's privacy policy.
   * @example "https://policies.google.com/privacy"
   */
  policyUrl?: string
  /**
   * How long the provider keeps the data.
   * @example "14 months"
   */
  retention?: string
  /**
   * Cookies this service sets: names, `/regex/` strings, or described entries. Deleted on withdrawal.
   * @example ["_ga", "/^_ga_/", { "name": "_gid", "purpose": "Distinguishes visitors", "duration": "1 day" }]
   */
  cookies?: (string | CookieInfo)[]
  /**
   * localStorage/sessionStorage keys this service writes (names or `/regex/`); deleted on withdrawal.
   * @example ["ajs_user_id", "/^amplitude_/"]
   */
  storage?: string[]
  /**
   * Hosts its scripts and iframes load from ("googletagmanager.com" also covers subdomains); held back by `autoBlock`.
   * @example ["googletagmanager.com", "google-analytics.com"]
   */
  domains?: string[]
}

export interface CategoryConfig {
  /**
   * A required category is always on and cannot be switched off (only `necessary` by default).
   * @example true
   */
  required?: boolean
  /**
   * Heading in the preference centre; the four default categories have translated titles already.
   * @example "Statistics"
   */
  title?: string
  /**
   * What the category is for, shown under its heading.
   * @example "Help us understand how the site is used."
   */
  description?: string
  /**
   * The services in this category, by name (used in `data-service` and `has("category:service")`).
   * @example { "ga4": { "title": "Google Analytics", "cookies": ["_ga"] } }
   */
  services?: Record<string, ServiceConfig>
}

export interface GoogleConfig {
  /**
   * Push Google Consent Mode v2 `default` and `update` commands.
   * @example true
   */
  consentMode?: boolean
  /**
   * `wait_for_update` in milliseconds.
   * @example 500
   */
  waitForUpdate?: number
  /**
   * Consent Mode types per category, replacing the default for the categories named.
   * @example { "analytics": ["analytics_storage"], "advertising": ["ad_storage", "ad_user_data", "ad_personalization"] }
   */
  mapping?: Record<string, GcmType[]>
  /**
   * Extra `consent default` commands for Google's own region detection.
   * @example [{ "region": ["US"], "ad_storage": "granted", "analytics_storage": "granted" }]
   */
  regions?: GcmRegionDefault[]
  /**
   * `gtag('set', 'url_passthrough', true)`: keep click ids in URLs while ad_storage is denied.
   * @example true
   */
  urlPassthrough?: boolean
  /**
   * `gtag('set', 'ads_data_redaction', true)`: redact ad click ids while ad_storage is denied.
   * @example true
   */
  adsDataRedaction?: boolean
}

/** The seven Google Consent Mode v2 types (docs/google-consent-mode.md). */
export const GCM_TYPES = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
  'functionality_storage',
  'personalization_storage',
  'security_storage',
] as const
export type GcmType = (typeof GCM_TYPES)[number]

/** A region-specific `consent default`: the regions, and the types that differ from denied. */
export interface GcmRegionDefault {
  /**
   * ISO 3166-1/-2 codes such as "ES" or "US-CA" (Google does not accept "EU").
   * @example ["ES", "US-CA"]
   */
  region: string[]
  /**
   * Default for `ad_storage` in these regions (else "denied").
   * @example "granted"
   */
  ad_storage?: 'granted' | 'denied'
  /**
   * Default for `ad_user_data` in these regions (else "denied").
   * @example "granted"
   */
  ad_user_data?: 'granted' | 'denied'
  /**
   * Default for `ad_personalization` in these regions (else "denied").
   * @example "granted"
   */
  ad_personalization?: 'granted' | 'denied'
  /**
   * Default for `analytics_storage` in these regions (else "denied").
   * @example "granted"
   */
  analytics_storage?: 'granted' | 'denied'
  /**
   * Default for `functionality_storage` in these regions (else "denied").
   * @example "granted"
   */
  functionality_storage?: 'granted' | 'denied'
  /**
   * Default for `personalization_storage` in these regions (else "denied").
   * @example "granted"
   */
  personalization_storage?: 'granted' | 'denied'
  /**
   * Default for `security_storage` in these regions (else "denied").
   * @example "granted"
   */
  security_storage?: 'granted' | 'denied'
}

export interface CleanupConfig {
  /**
   * Reload the page when a category is withdrawn, so scripts that already ran stop.
   * @example true
   */
  reload?: boolean
  /**
   * Cookie paths to clear besides "/" and the current page's path.
   * @example ["/shop"]
   */
  paths?: string[]
}

export interface ReceiptsConfig {
  /**
   * URL that receives each signed receipt (POST, text/plain).
   * @example "https://consent.example.com/receipts"
   */
  endpoint: string
  /**
   * The data controller named in each receipt.
   * @example "Example Ltd"
   */
  controller?: string
  /**
   * Privacy policy URL written into each receipt; defaults to the top-level `policyUrl`.
   * @example "https://example.com/privacy"
   */
  policyUrl?: string
}

export interface LanguageConfig {
  /**
   * Language shown when detection finds none of the available ones.
   * @example "en"
   */
  default?: string
  /**
   * Where to read the visitor's language. `document` (the default): `<html lang>`, then the
   * browser's languages, then `default`; a later change of `<html lang>` switches the UI.
   * `browser`: the browser's languages, then `default`. `false`: `default` only.
   * @example "document"
   */
  autoDetect?: 'document' | 'browser' | false
  /**
   * URL of the folder holding `<lang>.json`, ending in `/`: absolute, root-relative or relative to
   * the page. Without it the script tag fetches `locales/` beside its src, and the npm build loads
   * the locales it carries (each its own chunk in the app's bundle: nothing to copy).
   * @example "/consentry/locales/"
   */
  path?: string
}

export interface ThemeConfig {
  /**
   * Light or dark colours; `auto` follows the visitor's system setting.
   * @example "auto"
   */
  scheme?: 'light' | 'dark' | 'auto'
  /**
   * Colour of the buttons and switches.
   * @example "#0b57d0"
   */
  accent?: string
  /**
   * Text colour on accent-coloured buttons; by default white or black, whichever keeps 4.5:1 on the accent.
   * @example "#ffffff"
   */
  accentText?: string
  /**
   * Background colour of the banner and preference centre.
   * @example "#ffffff"
   */
  background?: string
  /**
   * Text colour; with a `background` and no text colour, white or black, whichever keeps 4.5:1 on it.
   * @example "#1f1f1f"
   */
  text?: string
  /**
   * Corner radius of panels and buttons.
   * @example "8px"
   */
  radius?: string
  /**
   * Font family (defaults to the page's own, inherited from `<body>`).
   * @example "system-ui, sans-serif"
   */
  font?: string
}

export interface UiConfig {
  /**
   * `bar`: a full-width strip at the top or bottom edge; `box`: a small panel in a corner, centred at an edge, or in the middle; `cloud`: a wide centred panel, text beside the buttons. Pictures: docs/design-system.md.
   * @example "box"
   */
  layout?: 'bar' | 'box' | 'cloud'
  /**
   * Where the first layer appears. A `bar` goes at `bottom` or `top`; a `cloud` at `bottom`, `top` or `middle`; a `box` anywhere. Another pair is a config error. Defaults: `bottom`, and `bottom-right` for a box. Corners mirror in right-to-left languages (`bottom-left` is the start side).
   * @example "bottom"
   */
  position?: 'bottom' | 'top' | 'bottom-left' | 'bottom-right' | 'middle'
  /**
   * Swap the order of Accept all and Reject all (Reject first). Both keep the same look and weight.
   * @example true
   */
  flipButtons?: boolean
  /**
   * Show no banner to crawlers (a user agent matching `/bot|crawl|spider|slurp/i`), so search snippets show the page, not the notice. Nothing optional is released for them either way. `navigator.webdriver` alone never hides it. Default `true`.
   * @example false
   */
  hideFromBots?: boolean
  /**
   * Colours, corners and font of the banner and preference centre.
   * @example { "accent": "#0b57d0", "radius": "8px" }
   */
  theme?: ThemeConfig
  /**
   * CSP nonce for the `<style>` and `<script>` elements the SDK creates.
   * @example "r4nd0mN0nce"
   */
  nonce?: string
  /**
   * Show the first layer as a modal dialog instead of a non-modal region.
   * @example false
   */
  blocking?: boolean
  /**
   * A small button that stays on the page after the choice and reopens the preference centre. On by default, unless the page has its own `data-consentry="preferences"` element; `false` turns it off (the page then owes the visitor a way back). It also shows when Global Privacy Control was honoured, to say so (docs/regions.md).
   * @example { "position": "bottom-left" }
   */
  floatingButton?: FloatingButtonConfig | false
}

export interface FloatingButtonConfig {
  /**
   * Which corner the button sits in.
   * @example "bottom-left"
   */
  position?: 'bottom-left' | 'bottom-right'
  /**
   * Accessible name, and the visible text unless `iconOnly`; defaults to the locale's `floating.label`.
   * @example "Cookie settings"
   */
  label?: string
  /**
   * Show only an icon (the label stays as its accessible name).
   * @example true
   */
  iconOnly?: boolean
}

/** Nested texts, same keys as locales/en.json; any subset may be given. */
export interface TextTree {
  [key: string]: string | TextTree
}

export interface AcProvider {
  /**
   * The provider's id in Google's Ad Tech Providers list.
   * @example 89
   */
  id: number
  /**
   * Name shown to the visitor.
   * @example "Example Ads"
   */
  name: string
  /**
   * The provider's privacy policy.
   * @example "https://ads.example/privacy"
   */
  policyUrl?: string
}

export interface TcfConfig {
  /**
   * Your own CMP id from the IAB's CMP registration (docs/tcf.md, "Registration").
   * @example 300
   */
  cmpId: number
  /**
   * Your CMP's version, raised when you change what the visitor is shown.
   * @example 1
   */
  cmpVersion?: number
  /**
   * Where the browser loads the Global Vendor List: your own server (the collector's `/gvl/vendor-list.json`), never the IAB's host.
   * @example "/gvl/vendor-list.json"
   */
  vendorList: string
  /**
   * The vendors you work with (GVL ids), or "all".
   * @example [1, 755]
   */
  vendors?: number[] | 'all'
  /**
   * Your country (ISO 3166-1 alpha-2), written into the TC string.
   * @example "DE"
   */
  publisherCountryCode?: string
  /**
   * Lets Google tags read Consent Mode from the TC string (`enableAdvertiserConsentMode` in TCData).
   * @example true
   */
  enableAdvertiserConsentMode?: boolean
  /**
   * Google ad tech providers outside TCF, asked for in Google's Additional Consent string.
   * @example [{ "id": 89, "name": "Example Ads" }]
   */
  additionalConsent?: AcProvider[]
}

export interface Config {
  /**
   * Editors use it for completion and hover docs: "https://unpkg.com/consentry/consentry.schema.json" or a local path.
   * @example "https://unpkg.com/consentry/consentry.schema.json"
   */
  $schema?: string
  /**
   * Bump to ask every visitor again (new purposes, new services).
   * @example 2
   */
  revision?: number
  /**
   * Written by `npx consentry validate --stamp`: the fingerprint of this config as it passed the check, for this SDK version. The browser then skips its own check of the config (no `consentry-check.js` to fetch and run); after any edit, or with another SDK version, the stamp no longer matches and the browser checks the config again.
   * @example "1x7kq2c"
   */
  checked?: string
  /**
   * `opt-in`: optional categories stay off until the visitor allows them; `opt-out`: on until refused; `notice`: information only. Or modes by region, most specific first: `{ "EEA": "opt-in", "UK": "opt-in", "US-CA": "opt-out", "*": "notice" }` (docs/regions.md).
   * @example "opt-in"
   */
  mode?: Mode | Record<string, Mode>
  /**
   * The visitor's region ("DE", "US-CA"); else a `data-region` attribute on the script tag or `<html>`; else unknown (strictest mode).
   * @example "DE"
   */
  region?: string
  /**
   * Hold back scripts and iframes from services' `domains` even without `type="text/plain"` markup.
   * @example true
   */
  autoBlock?: boolean
  /**
   * What withdrawal does besides deleting the listed cookies and storage keys.
   * @example { "reload": true }
   */
  cleanup?: CleanupConfig
  /**
   * Link shown in the banner; also the receipts' policyUrl unless set there.
   * @example "/privacy"
   */
  policyUrl?: string
  /**
   * The first-party cookie that stores the decision.
   * @example { "name": "consentry", "expiresDays": 182 }
   */
  cookie?: CookieOptions
  /**
   * Purposes the visitor can allow or refuse, by name, in display order (`necessary` always first and always on). Defaults to necessary, functional, analytics and advertising.
   * @example { "necessary": { "required": true }, "analytics": { "services": { "ga4": { "cookies": ["_ga"] } } } }
   */
  categories?: Record<string, CategoryConfig>
  /**
   * Google Consent Mode v2.
   * @example { "consentMode": true, "waitForUpdate": 500 }
   */
  google?: GoogleConfig
  /**
   * Signed consent receipts, sent to a collector you run (see docs/receipts.md).
   * @example { "endpoint": "https://consent.example.com/receipts", "controller": "Example Ltd" }
   */
  receipts?: ReceiptsConfig
  /**
   * Which language the banner is shown in.
   * @example { "default": "en", "autoDetect": "document" }
   */
  language?: LanguageConfig
  /**
   * Texts by language, overriding the shipped ones key by key (same keys as locales/en.json).
   * @example { "en": { "banner": { "title": "Cookies on Example.com" } } }
   */
  translations?: Record<string, TextTree>
  /**
   * Look and placement of the banner.
   * @example { "layout": "box", "position": "bottom-left", "theme": { "accent": "#0b57d0" } }
   */
  ui?: UiConfig
  /**
   * IAB TCF 2.3 (docs/tcf.md): `__tcfapi`, TC strings and the vendor list in the preference centre.
   * @example { "cmpId": 300, "vendorList": "/gvl/vendor-list.json", "vendors": "all", "publisherCountryCode": "DE" }
   */
  tcf?: TcfConfig
}
