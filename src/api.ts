// Consentry's public API (README, "API"): the functions on window.Consentry (browser.ts), and
// with the config checks as well, the npm build's (index.ts). Importing this module touches no
// DOM, so SSR can import it.

import type { PartialChoice } from './core/choice.js'
import { allows } from './core/consent.js'
import { createEmitter } from './core/emitter.js'
import { $consent, type ConsentState, type Decision } from './core/state.js'
import { start, type Events, type Instance } from './instance.js'
import { setChunkBase } from './lazy/index.js'
import type { StoredReceipt } from './receipts/client.js'
import type { Config } from './config/types.js'
import { $view } from './ui/view.js'
import { hasDom } from './has-dom.js'

export { $consent }
export type { ConsentState, Decision }
export type * from './config/types.js'
export type { ReceiptEvent, ReceiptSource, ReceiptPayload, ReceiptHeader } from './receipts/types.js'
export type { StoredReceipt } from './receipts/client.js'
export { SDK_VERSION as version } from './version.js'

const emitter = createEmitter<Events>()
let instance: Instance | undefined
let nonce: string | undefined
let localesUrl: string | undefined

/** Set by the script-tag entry: the tag's nonce and the folder it was loaded from (`base`, ending in "/"). */
export function configureHost(tagNonce: string | undefined, base: string | undefined): void {
  nonce = tagNonce
  localesUrl = base && base + 'locales/'
  setChunkBase(base, nonce)
}

/**
 * Starts the SDK with a config object (see consentry.schema.json), typed as
 * `Config` so that an editor checks and completes it; it is validated at run time
 * too (a config read from JSON is checked the same way). Calling it again replaces
 * the previous setup. Resolves once the banner (if needed) is shown. Without a DOM
 * (SSR) it does nothing.
 */
export function init(config: Config): Promise<ConsentState> {
  if (!hasDom()) return Promise.resolve($consent.get())
  try {
    return begin(config)
  } catch (error) {
    // A config too far from its shape to draw the banner from while its check loads (a number
    // where a list goes) fails closed at once, with the check's advice.
    return failClosed(`invalid config (${error})\n\`npx consentry validate <config file>\` says what is wrong.`)
  }
}

const begin = (config: Config, failed?: boolean): Promise<ConsentState> => {
  instance?.destroy()
  instance = undefined
  // document.cookie is read here, at the top of the stack (core/stored.ts cookieValue says why).
  return (instance = start(config, document.cookie, emitter, nonce, localesUrl, failed)).ready
}

/**
 * Starts failed closed and says why on the console: the script-tag entry's answer to a config it
 * cannot read (a `data-config` URL that fails, JSON that does not parse). The banner still lets the
 * visitor choose for this page; nothing optional runs before that, and nothing is stored
 * (docs/architecture.md, "Rules a change must keep").
 */
export function failClosed(reason: string): Promise<ConsentState> {
  if (!hasDom()) return Promise.resolve($consent.get())
  console.error(`Consentry: ${reason}\nConsentry fails closed: optional scripts stay blocked.`)
  return begin({}, true)
}

function decide(partial: PartialChoice | boolean): ConsentState {
  // Without a DOM (SSR) init() starts nothing: a decision there is a no-op that answers the state.
  if (!hasDom()) return $consent.get()
  if (!instance) throw new Error('Consentry: call init(config) first')
  return instance.decide(partial, 'api')
}

/** Shows the first layer. */
export const show = (): void => $view.set('banner')
/** Opens the preference centre. */
export const showPreferences = (): void => $view.set('preferences')
/** Hides the UI without deciding anything. */
export const hide = (): void => $view.set('hidden')
export const acceptAll = (): ConsentState => decide(true)
export const rejectAll = (): ConsentState => decide(false)
/** `save({ analytics: true, "analytics:ga4": false })`: names left out keep their value. */
export const save = (choice: Record<string, boolean>): ConsentState => decide(choice)
/** The current state (a copy is not made: treat it as read-only). */
export const get = (): ConsentState => $consent.get()
/** `has("analytics")` or `has("analytics:ga4")`. Always false for optional ones before init. */
export const has = (name: string): boolean => allows($consent.get(), name)

/**
 * Listens to `change` (any state change), `decision` (a visitor or API choice,
 * with its receipt event) or `ready`. Returns the function that stops listening.
 */
export function on<K extends keyof Events>(name: K, fn: (payload: Events[K]) => void): () => void {
  return emitter.on(name, fn)
}

/**
 * This browser's consent receipts, sent and pending, oldest first: for a "your
 * consent history" view or a JSON download. Empty without `receipts` in config.
 */
export const receipts = (): Promise<StoredReceipt[]> => instance?.receipts() ?? Promise.resolve([])

/** Shows the UI in `lang` (a shipped locale, e.g. "de" or "pt-BR", or one given in `translations`). */
export const setLanguage = (lang: string): Promise<void> => instance?.setLanguage(lang) ?? Promise.resolve()

/** Forgets the decision (cookie and consent id) and shows the banner again. */
export function reset(): void {
  instance?.reset()
}
