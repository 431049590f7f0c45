import { resolve, type Resolved } from './config/resolve.js'
import type { Config } from './config/types.js'
import { ConfigError, validate } from './config/validate.js'
import type { Partial } from './core/choice.js'
import { allows, createConsent } from './core/consent.js'
import { createEmitter } from './core/emitter.js'
import { $consent, type ConsentState, type Decision } from './core/state.js'
import { createGate } from './effects/gate.js'
import { dispatch } from './effects/window-events.js'
import { chooseLanguage, loadLocale } from './i18n/load.js'
import { buildTexts } from './i18n/texts.js'
import type { ReceiptSource } from './receipts/types.js'
import type { UiActions } from './ui/actions.js'
import { mount } from './ui/mount.js'
import { $view } from './ui/view.js'

export type Events = { change: ConsentState; decision: Decision; ready: ConsentState }
export type Emitter = ReturnType<typeof createEmitter<Events>>

export interface StartOptions {
  /** Where `dist/locales/<lang>.json` live (the script tag's folder + "locales/"). */
  localesUrl?: string
  /** CSP nonce from the script tag; `ui.nonce` in config wins. */
  nonce?: string
  emitter: Emitter
}

export interface Instance {
  config: Resolved
  ready: Promise<ConsentState>
  decide(partial: Partial | boolean, source: ReceiptSource): ConsentState
  reset(): void
  destroy(): void
}

/**
 * One running SDK: config → core → effects and UI, wired once. Invalid config
 * fails closed (DESIGN.md §3): defaults, nothing optional allowed, nothing
 * stored, and the banner still lets the visitor choose for this page.
 */
export function start(input: unknown, options: StartOptions): Instance {
  const problems = validate(input)
  if (problems.length) console.error(new ConfigError(problems).message + '\nConsentry fails closed: optional scripts stay blocked.')
  const source: Config = problems.length ? {} : (input as Config)
  const config = resolve(source, location.protocol === 'https:')
  const nonce = source.ui?.nonce ?? options.nonce
  const { emitter } = options

  const consent = createConsent(config, { set: (state) => $consent.set(state), persist: !problems.length })
  const gate = createGate({ allows: (name) => allows($consent.get(), name), nonce })
  const stopChange = $consent.listen((state) => {
    void gate.release()
    dispatch('change', state)
    emitter.emit('change', state)
  })
  void gate.release()

  const decide = (partial: Partial | boolean, from: ReceiptSource): ConsentState => {
    const decision = consent.decide(partial, from)
    $view.set('hidden')
    emitter.emit('decision', decision)
    return decision.state
  }

  const actions: UiActions = {
    acceptAll: (from) => decide(true, from),
    rejectAll: (from) => decide(false, from),
    save: (choice, from) => decide(choice, from),
    openPreferences: () => $view.set('preferences'),
    closePreferences: () => $view.set($consent.get().decided ? 'hidden' : 'banner'),
  }

  let unmount: (() => void) | undefined
  let destroyed = false
  const ready = (async () => {
    const lang = chooseLanguage(config)
    const texts = buildTexts(config, lang, await loadLocale(lang, source.language?.path ?? options.localesUrl))
    if (destroyed) return $consent.get()
    if (consent.ask) $view.set('banner')
    unmount = mount({ config, texts, lang, actions })
    const state = $consent.get()
    dispatch('ready', state)
    emitter.emit('ready', state)
    return state
  })()

  return {
    config,
    ready,
    decide,
    reset() {
      consent.reset()
      $view.set('banner')
    },
    destroy() {
      destroyed = true
      stopChange()
      gate.stop()
      unmount?.()
      $view.set('hidden')
    },
  }
}
