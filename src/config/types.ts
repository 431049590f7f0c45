// The JSON configuration (DESIGN.md §3). consentry.schema.json describes the same
// shape for editors and CI; test/unit/schema.test.ts fails when the two drift.

export type Mode = 'opt-in' | 'opt-out' | 'notice'

export interface CookieOptions {
  /** Name of the consent cookie. */
  name?: string
  /** Domain attribute; empty = the current host only. */
  domain?: string
  path?: string
  sameSite?: 'Lax' | 'Strict' | 'None'
  /** Defaults to true on https pages. */
  secure?: boolean
  /** How long a decision (acceptance or refusal) is kept before asking again. */
  expiresDays?: number
}

export interface CookieInfo {
  /** A cookie name, or a `/regex/` source matching several names. */
  name: string
  provider?: string
  purpose?: string
  duration?: string
}

export interface ServiceConfig {
  title?: string
  description?: string
  provider?: string
  policyUrl?: string
  retention?: string
  /** Cookies this service sets: names, `/regex/` strings, or described entries. Deleted on withdrawal. */
  cookies?: (string | CookieInfo)[]
}

export interface CategoryConfig {
  /** A required category is always on and cannot be switched off (only `necessary` by default). */
  required?: boolean
  title?: string
  description?: string
  services?: Record<string, ServiceConfig>
}

export interface GoogleConfig {
  /** Push Google Consent Mode v2 `default` and `update` commands. */
  consentMode?: boolean
  /** `wait_for_update` in milliseconds. */
  waitForUpdate?: number
}

export interface ReceiptsConfig {
  /** URL that receives each signed receipt (POST, text/plain). */
  endpoint: string
  controller?: string
  policyUrl?: string
}

export interface LanguageConfig {
  default?: string
  /** Where to read the visitor's language: `document` = `<html lang>`, `browser` = navigator.languages. */
  autoDetect?: 'document' | 'browser' | false
  /** URL of the folder holding `<lang>.json`; defaults to `locales/` beside the script tag's src. */
  path?: string
}

export interface ThemeConfig {
  scheme?: 'light' | 'dark' | 'auto'
  accent?: string
  accentText?: string
  background?: string
  text?: string
  radius?: string
  font?: string
}

export interface UiConfig {
  layout?: 'bar' | 'box'
  position?: 'top' | 'bottom'
  theme?: ThemeConfig
  /** CSP nonce for the `<style>` and `<script>` elements the SDK creates. */
  nonce?: string
  /** Show the first layer as a modal dialog instead of a non-modal region. */
  blocking?: boolean
}

/** Nested texts, same keys as locales/en.json; any subset may be given. */
export interface TextTree {
  [key: string]: string | TextTree
}

export interface Config {
  /** Editors use it for completion and hover docs: "https://unpkg.com/consentry/consentry.schema.json" or a local path. */
  $schema?: string
  /** Bump to ask every visitor again (new purposes, new services). */
  revision?: number
  mode?: Mode
  /** Link shown in the banner; also the receipts' policyUrl unless set there. */
  policyUrl?: string
  cookie?: CookieOptions
  categories?: Record<string, CategoryConfig>
  google?: GoogleConfig
  receipts?: ReceiptsConfig
  language?: LanguageConfig
  translations?: Record<string, TextTree>
  ui?: UiConfig
}
