// The TCF chunk (docs/tcf.md): loaded only when the config has `tcf`. It takes
// over `__tcfapi` from the stub, answers a returning visitor at once from the
// stored TC string (`tcloaded`), loads the vendor list from the site's own server,
// turns each Consentry decision into a TC string (and hands it to the decision's
// receipt), and adds the TCF layers to Consentry's UI (layer.ts).

import type { ReadableAtom } from 'nanostores'
import type { Resolved } from '../config/resolve.js'
import { regionKeys } from '../config/region.js'
import type { TcfConfig } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import type { View } from '../ui/view.js'
import { attachTcString } from '../receipts/notes.js'
import { whenBody } from '../ui/body.js'
import { takeOver, type Cmp, type TcBody } from './api.js'
import { acString, allowAll, allowsAdvertising, rejectAll, toModel, untouched, type TcfChoice } from './choice.js'
import { encodeTcString } from './encode.js'
import { loadGvl, shownVendors, type Gvl } from './gvl.js'
import dialogCss from '../ui/dialog.css?raw'
import css from './layer.css?raw'
import { firstLayerBlock, openButton, openDialog, type LayerOptions } from './layer.js'
import { installStub, type TcfApi } from './stub.js'
import { tcfText } from './texts.js'

/** What a visit remembers next to the Consentry cookie: the string and the choice behind it. */
export interface StoredTc {
  /** Consent id and decision time of the Consentry state this string belongs to. */
  id: string
  at: string
  tcString: string
  choice: TcfChoice
  disclosed: number[]
}

export const STORAGE_KEY = 'consentry-tcf'

export interface TcfHost {
  config: Resolved
  $consent: ReadableAtom<ConsentState>
  $view: ReadableAtom<View> & { set(view: View): void }
  /** Records a Consentry decision (receipt, gate, Consent Mode), as the preference centre does. */
  decide(choice: Record<string, boolean> | boolean, source: 'banner' | 'preferences'): ConsentState
}

/** GDPR and its UK and Swiss twins apply in the EEA, the UK and Switzerland, and, to be safe, where the region is unknown. */
export const gdprApplies = (region: string | undefined): boolean => !region || regionKeys(region).some((key) => key === 'EEA' || key === 'UK' || key === 'CH')

const read = (): StoredTc | undefined => {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') ?? undefined
  } catch {
    return undefined
  }
}
const write = (value: StoredTc | undefined): void => {
  try {
    if (value) localStorage.setItem(STORAGE_KEY, JSON.stringify(value))
    else localStorage.removeItem(STORAGE_KEY)
  } catch {
    // storage blocked: this page view still answers; the next one asks again
  }
}

const flags = (list: number[], all: number[] = list): Record<number, boolean> => Object.fromEntries(all.map((id) => [id, list.includes(id)]))

export interface TcfSession {
  /** The vendor list in the page's language when the chunk started. */
  gvl: Promise<Gvl>
  current(): StoredTc | undefined
  /** Ends this session: store subscriptions, observers, the open dialog (destroy(), or a new init()). */
  stop(): void
}

/**
 * One `__tcfapi` per window: ad tags keep their listeners on it, so it outlives an SDK
 * instance; a new session (init() again) takes it over with its listeners and state.
 */
let cmp: Cmp | undefined
const base = { cmpId: 0, cmpVersion: 1, gdprApplies: true }
let listGvl: Gvl | undefined
let running: TcfSession | undefined

export function startTcf(host: TcfHost): TcfSession {
  running?.stop()
  const tcf = host.config.source.tcf as TcfConfig
  const w = window as Window & { __tcfapi?: TcfApi }
  installStub(w)
  const applies = gdprApplies(host.config.region)
  Object.assign(base, { cmpId: tcf.cmpId, cmpVersion: tcf.cmpVersion ?? 1, gdprApplies: applies })
  if (!cmp || w.__tcfapi !== cmp.api) {
    cmp?.detach()
    cmp = takeOver(w, base, () => listGvl)
  }
  const api = cmp
  const stops: (() => void)[] = []

  // The vendor list in each language the UI is shown in (texts from purposes-<lang>.json).
  const lists = new Map<string, Promise<Gvl>>()
  const loaded = new Map<string, Gvl>()
  const gvlFor = (lang: string): Promise<Gvl> => {
    let list = lists.get(lang)
    if (!list) {
      list = loadGvl(tcf.vendorList, lang).then((gvl) => (loaded.set(lang, gvl), (listGvl = gvl)))
      list.catch((error: Error) => console.error(error.message))
      lists.set(lang, list)
    }
    return list
  }
  const pageLang = (document.documentElement.lang || host.config.source.language?.default || 'en').slice(0, 2).toLowerCase()
  /** The language the UI is shown in now (mount.ts puts it on the root). */
  let lang = pageLang
  const gvlReady = gvlFor(pageLang)
  const vendors = (list: Gvl) => shownVendors(list, tcf.vendors)

  const body = (stored: StoredTc | undefined): TcBody => {
    const choice = stored?.choice ?? rejectAll()
    const disclosed = stored?.disclosed ?? []
    const purposes = Object.keys(listGvl?.purposes ?? {}).map(Number)
    return {
      tcString: stored?.tcString ?? '',
      tcfPolicyVersion: listGvl?.tcfPolicyVersion,
      publisherCC: tcf.publisherCountryCode ?? 'AA',
      purpose: { consents: flags(choice.purposeConsents, purposes), legitimateInterests: flags(choice.purposeLegitimateInterests, purposes) },
      vendor: {
        consents: flags(choice.vendorConsents, disclosed),
        legitimateInterests: flags(choice.vendorLegitimateInterests, disclosed),
        disclosedVendors: flags(disclosed),
      },
      specialFeatureOptins: flags(choice.specialFeatures),
      publisher: { consents: {}, legitimateInterests: {}, customPurpose: { consents: {}, legitimateInterests: {} }, restrictions: {} },
      ...(tcf.additionalConsent?.length ? { addtlConsent: acString(tcf, choice) } : {}),
      ...(tcf.enableAdvertiserConsentMode ? { enableAdvertiserConsentMode: true } : {}),
    }
  }

  let stored = read()
  const belongs = (state: ConsentState) => !!stored && state.decided && stored.id === state.id && stored.at === state.updatedAt
  // A returning visitor: the stored string answers `tcloaded` now, before the vendor list arrives.
  if (!applies) api.update('tcloaded', body(undefined))
  else if (belongs(host.$consent.get())) api.update('tcloaded', body(stored))
  else if (stored) write((stored = undefined))

  /** The choice the TCF second layer made, for the decision it is about to cause. */
  let pending: TcfChoice | undefined

  /** Encodes, keeps and announces the TC string of a decision, and hands it to the decision's receipt. */
  const settle = (state: ConsentState, choice: TcfChoice, list: Gvl) => {
    const shown = vendors(list)
    const tcString = encodeTcString(toModel(choice, list, shown, tcf, list.lang, Date.parse(state.updatedAt ?? '') || Date.now()))
    stored = { id: state.id, at: state.updatedAt!, tcString, choice, disclosed: shown.map((v) => v.id) }
    write(stored)
    if (!applies) return
    api.update('useractioncomplete', body(stored))
    // The receipt's `tcf` claim (docs/receipts.md): the note of this decision is written
    // right after this listener returns, in the same click.
    queueMicrotask(() => attachTcString(state.id, tcString))
  }

  stops.push(
    host.$consent.listen((state) => {
      if (!state.decided) {
        if (stored) write((stored = undefined))
        return
      }
      if (belongs(state)) return
      const chosen = pending
      pending = undefined
      const apply = (list: Gvl) =>
        // A choice made outside the TCF layer (first layer, API, another tab) follows the advertising category.
        settle(state, chosen ?? (state.categories.advertising ? allowAll(list, vendors(list), tcf) : rejectAll()), list)
      // Usually the list is here by the time of a click: the string is made in the same task.
      const list = loaded.get(lang) ?? loaded.get(pageLang)
      if (list) apply(list)
      else void gvlReady.then(apply)
    }),
  )

  // ---- the TCF layers in Consentry's UI (layer.ts) --------------------------------------
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(dialogCss + css)
  let shut: (() => void) | undefined
  let shadow: ShadowRoot | undefined

  const options = (list: Gvl): LayerOptions => ({
    gvl: list,
    vendors: vendors(list),
    providers: tcf.additionalConsent ?? [],
    t: tcfText(host.config.source.translations, lang),
    lang,
    draft: () => {
      const choice = stored?.choice
      return choice ? { ...choice } : untouched(list, vendors(list), tcf)
    },
    decide(made) {
      const shown = vendors(list)
      const choice = made === true ? allowAll(list, shown, tcf) : made === false ? rejectAll() : made
      pending = choice
      const state = host.decide({ advertising: allowsAdvertising(choice) }, 'preferences')
      // A change of TCF choices alone leaves the site's categories as they were: Consentry
      // records no new decision (and no receipt), and the string changes by itself.
      if (pending) {
        pending = undefined
        if (state.decided) settle(state, choice, list)
      }
      shut?.()
    },
  })
  const open = (list: Gvl, below: HTMLElement | null) => (opener: HTMLElement) => {
    shut?.()
    const close = openDialog(shadow!, options(list), below, opener)
    shut = () => {
      shut = undefined
      close()
    }
  }

  /** Adds the first layer's TCF block, and the way to the TCF layer from the preference centre. */
  const decorate = () => {
    if (!shadow) return
    const list = loaded.get(lang)
    if (!list) {
      void gvlFor(lang).then(decorate, () => {})
      return
    }
    const banner = shadow.querySelector<HTMLElement>('[part~=banner]')
    if (banner && !banner.querySelector('.tcf-l1')) banner.querySelector('.text')?.append(firstLayerBlock(options(list), open(list, banner)))
    const prefs = shadow.querySelector<HTMLElement>('[part~=preferences]')
    if (prefs && !prefs.querySelector('[data-action=tcf]')) {
      prefs.querySelector('.actions')?.before(openButton(options(list), open(list, prefs)))
    }
  }
  const inShadow = new MutationObserver(decorate)
  /** Finds the UI's root (mounted again when the language changes); destroy() runs `stop()`. */
  const find = () => {
    const root = document.getElementById('consentry-root')
    if (!root || root.shadowRoot === shadow) return
    shut?.()
    shadow = root.shadowRoot!
    lang = root.lang.slice(0, 2).toLowerCase() || pageLang
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet]
    inShadow.disconnect()
    inShadow.observe(shadow, { childList: true, subtree: true })
    decorate()
  }
  const onBody = new MutationObserver(find)
  let stopped = false
  void whenBody().then(() => {
    if (stopped) return
    onBody.observe(document.body, { childList: true })
    find()
  })
  stops.push(
    () => onBody.disconnect(),
    () => inShadow.disconnect(),
    () => shut?.(),
    host.$view.subscribe((view) => {
      const visible = view !== 'hidden'
      api.displayStatus(visible)
      if (visible && applies && view === 'banner') api.update('cmpuishown', body(stored))
      // Another layer was asked for (show(), hide(), a decision elsewhere): the TCF dialog gives way.
      if (view !== 'banner') shut?.()
    }),
  )

  const session: TcfSession = {
    gvl: gvlReady,
    current: () => stored,
    stop() {
      stopped = true
      stops.splice(0).forEach((stop) => stop())
      if (running === session) running = undefined
    },
  }
  running = session
  return session
}
