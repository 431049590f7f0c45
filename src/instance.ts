import { resolve, type Resolved } from './config/resolve.js'
import type { Config } from './config/types.js'
import { fingerprint } from './config/fingerprint.js'
import { uniform, type PartialChoice } from './core/choice.js'
import { allows, createConsent } from './core/consent.js'
import type { createEmitter } from './core/emitter.js'
import { gpcEnabled } from './core/gpc.js'
import { afterPaint } from './effects/after-paint.js'
import { $consent, emptyState, type ConsentState, type Decision } from './core/state.js'
import { consentMode } from './effects/consent-mode.js'
import { decider } from './decide.js'
import { createGate, type Gate } from './effects/gate.js'
import { crossTab } from './effects/sync.js'
import { dispatch } from './effects/window-events.js'
import { chooseLanguage } from './i18n/load.js'
import { LOCALES, negotiate } from './i18n/negotiate.js'
import { loadCheck, loadExtras, loadReceipts, startAutoBlock } from './lazy/index.js'
import type { StoredReceipt } from './receipts/client.js'
import type { ReceiptSource } from './receipts/types.js'
import type { UiActions } from './ui/actions.js'
import { listenForTriggers } from './ui/triggers.js'
import { present } from './ui/present.js'
import { sheet } from './ui/sheet.js'
import { $view } from './ui/view.js'
import { SDK_VERSION } from './version.js'
import { TCF, tcfHook } from './tcf/hook.js'

export type Events = { change: ConsentState; decision: Decision; ready: ConsentState }
type Emitter = ReturnType<typeof createEmitter<Events>>

export interface Instance {
  ready: Promise<ConsentState>
  /** This browser's receipts, sent and pending; [] without `receipts` in config. */
  receipts(): Promise<StoredReceipt[]>
  decide(partial: PartialChoice | boolean, source: ReceiptSource): ConsentState
  /** Shows the UI in another language (a shipped locale or one given in `translations`). */
  setLanguage(lang: string): Promise<void>
  reset(): void
  destroy(): void
}

type Stop = () => void
const report = (error: Error) => console.error(error.message)

/**
 * A lazy part of the SDK (the receipts client, the embed placeholders), loaded on first use.
 * Returns the loader and `ifLoaded`, which runs fn only on a part that was asked for (its stop,
 * a refresh); a failed load is reported there. `part` is its state, a parameter only because
 * that minifies smaller than a `let` (the first view's size budget).
 */
const lazy = <T>(load: () => Promise<T>, part?: Promise<T>): [loaded: () => Promise<T>, ifLoaded: (fn: (part: T) => void) => void] => [
  () => (part ??= load()),
  (fn) => part?.then(fn, report),
]

/**
 * From the config's verdict on, every state change reaches Consent Mode (`gcm`, whose defaults went
 * out at start), the gated scripts, the page's window events and `on()` listeners; the state as it
 * stands then reaches Consent Mode at once. Returns the stop.
 */
const followConsent = (gcm: ((state: ConsentState) => void) | undefined, mode: Resolved['mode'], gate: Gate, emitter: Emitter): Stop => {
  if (gcm && ($consent.get().decided || mode !== 'opt-in')) gcm($consent.get())
  return $consent.listen((state) => {
    gcm?.(state)
    // The visitor sees the banner go in the click's frame; scripts run right after that frame is
    // painted, so their work is not part of the click's INP (test/bench/README.md). A release
    // reads the state when it runs: a later refusal in between releases nothing.
    afterPaint(gate.release)
    dispatch('change', state)
    emitter.emit('change', state)
  })
}

/**
 * One running SDK: config → core → effects and UI. Each part is started by its own function
 * and gives back its stop; destroy() runs them all.
 *
 * The config is checked by a chunk (src/lazy/check.ts) fetched at start, while the banner draws
 * from the config as given; a consent cookie written under this very config, checked, or the
 * config's `checked` stamp vouches for it instead (src/config/fingerprint.ts). Until the verdict `$consent` allows nothing optional: no
 * gated script is released, nothing optional reaches Consent Mode (only its defaults, which go out
 * at once: Google's default must come before any tag), no GPC decision, no receipt sent. An invalid
 * config (or a check that cannot load) restarts the SDK failed closed, `failed` (docs/architecture.md,
 * "Rules a change must keep"): defaults, nothing optional allowed, nothing stored, and the banner
 * still lets the visitor choose for this page.
 *
 * `cookies` is the page's `document.cookie`, read at the top of the caller's stack (`cookieValue`
 * says why); `nonce` the script tag's CSP nonce (`ui.nonce` in config wins); `localesUrl` where
 * `dist/locales/<lang>.json` live (the script tag's folder + "locales/"). (Parameters, not an
 * options object: their names would stay in the first view's bytes.)
 */
export const start = (input: unknown, cookies: string, emitter: Emitter, nonce?: string, localesUrl?: string, failed = false): Instance => {
  const source = (failed ? {} : input) as Config
  // The cookie is Secure on https pages. Read from document.URL, not location:
  // the Location interface's bindings cost every page view heap (test/bench/README.md, "Figures behind design choices").
  const config = resolve(
    source,
    document.URL.startsWith('https:'),
    document.querySelector('script[data-region],html[data-region]')?.getAttribute('data-region'),
  )
  const print = failed ? '' : fingerprint(source)
  // nanostores runs every $consent listener and then rethrows the last error. A page's own
  // listener that throws must not stop a decision half-way (no announcement to other tabs,
  // no receipt, the banner left up): its error goes to the page's error handlers instead.
  // Until the verdict `$consent` holds every configured name refused, whatever `consent` holds (a
  // choice made meanwhile included), and whatever an earlier init() left there.
  let checked = failed
  let destroyed = false
  const closed: ConsentState = { ...emptyState(), ...uniform(config, false), revision: config.revision }
  const set = (state: ConsentState) => {
    try {
      $consent.set(checked ? state : closed)
    } catch (error) {
      reportError(error)
    }
  }
  const consent = createConsent(config, cookies, set, !failed)
  // A cookie written under this config, checked, or the config's own stamp (`consentry validate
  // --stamp`) vouches for it: no check to fetch, and a stored decision applies at once.
  if ((checked ||= consent.checked === print || (source.checked === print && (TCF || !source.tcf)))) set(consent.state())
  // The verdict: undefined when the config may be used, else what to tell the console.
  const verdict: Promise<string | undefined> = checked
    ? Promise.resolve(undefined)
    : loadCheck().then(
        (check) => check.configError(source),
        (error: Error) => error.message + ' to check the config',
      )
  // Auto-blocking (docs/auto-blocking.md) starts before the gate, so its observer sees parser-inserted tags first.
  const autoBlocking = source.autoBlock ? startAutoBlock(config.categories, $consent) : undefined
  // A decision or reset in another tab: take its cookie value; scripts, UI and Consent Mode follow.
  // Only a change moves the UI: the catch-up finding the same state leaves open preferences open.
  const tabs = crossTab(config.cookie.name, (value) => consent.sync(value) && $view.set(consent.ask ? 'banner' : 'hidden'))

  // Receipts (docs/receipts.md): the decision is noted synchronously, signed and sent by a
  // lazy chunk off the critical path, once the config passed its check. A failed-closed config makes none.
  const withReceipts = !failed && source.receipts
  const [receipts, ifReceipts] = lazy(() =>
    loadReceipts().then((chunk) => chunk.startReceipts({ config, texts: () => ui.shown() ?? { lang: 'en', texts: {} }, sdk: SDK_VERSION })),
  )
  const record = (): void =>
    void verdict
      .then((error) => {
        // Destroyed meanwhile: the noted decision waits for the next start's idle send.
        if (!error && !destroyed) return receipts().then((r) => r.record())
      })
      .catch(report)
  const decide = decider(config, consent, tabs.announce, withReceipts && record, (decision) => emitter.emit('decision', decision), report)

  // Sale, sharing and targeted ads off, every other category as it is: what a GPC signal and
  // the "Do Not Sell or Share" link each do (docs/regions.md).
  const doNotSell = (from: ReceiptSource) => decide({ ...consent.state().categories, advertising: false }, from)
  const actions: UiActions = {
    acceptAll: (from) => decide(true, from),
    rejectAll: (from) => decide(false, from),
    doNotSell,
    save: (choice, from) => decide(choice, from),
    openPreferences: () => $view.set('preferences'),
    closePreferences: () => $view.set(consent.state().decided ? 'hidden' : 'banner'),
    receipts: () => (withReceipts ? receipts().then((r) => r.list()) : Promise.resolve([])),
  }
  // Placeholders for blocked embeds come with the extras chunk; until then the
  // empty iframe keeps its box, so the swap shifts no layout.
  const [embeds, ifEmbeds] = lazy(() =>
    loadExtras().then((x) =>
      x.embeds(
        (name) => decide({ [name]: true }, 'placeholder'),
        () => ui.shown(),
      ),
    ),
  )
  // Placeholders render in the new language; frames held before the first texts get theirs now.
  const ui = present(config, sheet(config), source.language?.path ?? localesUrl, actions, () => ifEmbeds((e) => e.refresh()))
  const tcf = tcfHook(source, { config, $consent, $view, decide, record })
  // Google's rule: the defaults before any tag, so now, not at the verdict.
  const gcm = source.google?.consentMode ? consentMode(source.google) : undefined
  const gate = createGate(
    (name) => allows($consent.get(), name),
    source.ui?.nonce ?? nonce,
    (frame) => embeds().then((e) => e.blocked(frame), report),
  )
  let idle: ReturnType<typeof setTimeout> | undefined
  // Each part's stop, for destroy(); the verdict adds following the state.
  const stops: Stop[] = [
    tabs.stop,
    () => autoBlocking?.(),
    () => tcf?.(),
    () => clearTimeout(idle),
    () => ifReceipts((r) => r.stop()),
    listenForTriggers(actions),
    () => ifEmbeds((e) => e.stop()),
    gate.stop,
    ui.stop,
  ]

  if (consent.ask) $view.set('banner')
  const shown = ui.show(chooseLanguage(config))
  const self: Instance = {
    ready: verdict.then(async (error) => {
      if (destroyed) return $consent.get()
      if (error) {
        console.error(error + '\nConsentry fails closed: optional scripts stay blocked.')
        self.destroy()
        return Object.assign(self, start(input, cookies, emitter, nonce, localesUrl, true)).ready
      }
      // A config vouched for at start has its state in $consent already: no second, equal set for
      // the page's own subscribers (a returning visitor's every page view).
      if (!checked) {
        checked = true
        set(consent.state())
      }
      if (!failed) consent.vouch(print)
      // GPC (docs/regions.md): outside opt-in regions advertising goes off with no
      // interaction and a receipt (source "gpc"), before anything is released or told to
      // Google; in opt-in regions the signal is never read (it is checked last for that).
      if (config.mode !== 'opt-in' && !failed && $consent.get().categories.advertising && gpcEnabled()) doNotSell('gpc')
      stops.push(followConsent(gcm, config.mode, gate, emitter))
      // While the page is parsing, the gate's own pass at DOMContentLoaded releases
      // the markup in one go (gate.ts); a pass now would only find what precedes the tag.
      if (document.readyState !== 'loading') void gate.release()
      await shown
      const state = $consent.get()
      if (!destroyed) {
        // Receipts still waiting from earlier page views go out once the page is idle.
        if (withReceipts) idle = setTimeout(record, 1000)
        dispatch('ready', state)
        emitter.emit('ready', state)
      }
      return state
    }),
    decide,
    // The preference centre's own call, once the SDK is ready.
    receipts: () => self.ready.then(actions.receipts),
    setLanguage: (lang) => ui.show(negotiate([lang], [...LOCALES, ...Object.keys(source.translations ?? {})], 'en')),
    reset() {
      consent.reset()
      tabs.announce(consent.stored())
      $view.set('banner')
    },
    destroy() {
      destroyed = true
      stops.forEach((stop) => stop())
      $view.set('hidden')
    },
  }
  return self
}
