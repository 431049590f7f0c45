// The TCF chunk (docs/tcf.md): loaded only when the config has `tcf`. It takes
// over `__tcfapi` from the stub, answers a returning visitor at once from the
// stored TC string (`tcloaded`), loads the vendor list from the site's own server,
// turns each Consentry decision into a TC string (and hands it to the decision's
// receipt, or makes a receipt of its own: docs/tcf.md, "Receipts"), and adds the TCF
// layers to Consentry's UI (layer.ts).

import type { ReadableAtom } from 'nanostores'
import type { Resolved } from '../config/resolve.js'
import type { TcfConfig, TextTree } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import type { View } from '../ui/view.js'
import { noteDecision, noteTcString, pendingNotes } from '../receipts/notes.js'
import type { ReceiptEvent, ReceiptSource, TcfClaims } from '../receipts/types.js'
import { whenBody } from '../ui/body.js'
import { takeOver, type Cmp, type TcBody } from './api.js'
import { acString, allowAll, allowsAdvertising, rejectAll, toModel, untouched, type TcfChoice } from './choice.js'
import { encodeTcString } from './encode.js'
import { gdprApplies } from './gdpr.js'
import { gvlLang, loadGvl, shownVendors, type Gvl } from './gvl.js'
import dialogCss from '../ui/dialog.css?raw'
import css from './layer.css?raw'
import { firstLayerBlock, openButton, openDialog, type LayerOptions } from './layer.js'
import type { TcfApi } from './stub.js'
import english, { LABEL_CHUNKS } from './english.js'
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

const STORAGE_KEY = 'consentry-tcf'

export interface TcfHost {
  config: Resolved
  $consent: ReadableAtom<ConsentState>
  $view: ReadableAtom<View> & { set(view: View): void }
  /** Records a Consentry decision (receipt, gate, Consent Mode), as the preference centre does. */
  decide(choice: Record<string, boolean> | boolean, source: 'banner' | 'preferences'): ConsentState
  /** Signs and sends the receipts noted so far (with `receipts` in config). */
  record(): void
}

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

/** How long a decision's receipt waits for its TC string when the vendor list is still on its way. */
const WAIT = 10_000
/** The decision time of a state, ms (whole seconds). */
const at = (state: ConsentState): number => Date.parse(state.updatedAt!)
/** True when `after` takes back something `before` allowed: a consent, or a legitimate interest now objected to. */
const takesBack = (before: TcfChoice, after: TcfChoice): boolean =>
  Object.entries(before).some(([key, ids]: [string, number[]]) => ids.some((id) => !after[key as keyof TcfChoice].includes(id)))

/**
 * A promise per key, made once, and what each resolved to. `make` reports its own failure (the
 * console names the file); a promise nobody awaits yet (the vendor list asked for at start, before
 * the banner is drawn) must not also surface as the page's unhandled rejection.
 */
function cached<T>(make: (key: string) => Promise<T>): [(key: string) => Promise<T>, Map<string, T>] {
  const promises = new Map<string, Promise<T>>()
  const done = new Map<string, T>()
  const once = (key: string): Promise<T> => {
    const made = make(key).then((value) => (done.set(key, value), value))
    made.catch(() => {})
    promises.set(key, made)
    return made
  }
  return [(key) => promises.get(key) ?? once(key), done]
}

/** The script-tag build's chunk URL (its locales are beside it); none in the npm build. */
const here = (document.currentScript as HTMLScriptElement | null)?.src

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
  const applies = gdprApplies(host.config.region)
  const receipts = host.config.source.receipts
  Object.assign(base, { cmpId: tcf.cmpId, cmpVersion: tcf.cmpVersion ?? 1, gdprApplies: applies })
  if (!cmp || w.__tcfapi !== cmp.api) {
    cmp?.detach()
    cmp = takeOver(w, base, () => listGvl)
  }
  const api = cmp
  const stops: (() => void)[] = []
  let stopped = false

  // The vendor list in each language the UI is shown in (texts from purposes-<lang>.json, gvl.ts).
  const [gvlFor, loaded] = cached((key) => {
    const list = loadGvl(tcf.vendorList, key).then((gvl) => (listGvl = gvl))
    list.catch((error: Error) => console.error(error.message))
    return list
  })
  // The TCF layer's own labels in each UI language: locales/tcf/<lang>.json, from where the UI's
  // locales come (config `language.path`, else locales/ beside the script tag). The npm build has
  // English in its code and the others as chunks of their own (english.ts); a language that fails
  // to load shows English, and without English (script tag) the TCF layer cannot be shown: the
  // console says which file is missing.
  const localesUrl = host.config.source.language?.path ?? (here && new URL('locales/', here).href)
  const [labelsFor, labels] = cached((key): Promise<TextTree> => {
    const url = `${localesUrl}tcf/${key}.json`
    // The npm build without language.path: the labels' own chunk (english.ts). Written so that the
    // script tag's chunk, whose LABEL_CHUNKS is undefined, keeps none of it.
    const chunk = LABEL_CHUNKS && !localesUrl ? LABEL_CHUNKS[key] : undefined
    return (english && key === 'en') || !(localesUrl || chunk)
      ? Promise.resolve({})
      : (chunk
          ? chunk().then((m) => m.default)
          : fetch(url).then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
        ).catch((error: Error) => {
          console.warn(`Consentry TCF: could not load ${url} (${error.message})`)
          return key === 'en' ? Promise.reject(error) : labelsFor('en')
        })
  })
  /** The language the UI is shown in now (mount.ts puts it on the root); the page's until the root is there. */
  let lang = document.getElementById('consentry-root')?.lang || document.documentElement.lang || host.config.source.language?.default || 'en'
  const pageLang = lang
  const gvlReady = gvlFor(gvlLang(lang))
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

  /** The choice the TCF second layer made, for the decision it is about to cause. */
  let pending: TcfChoice | undefined

  /**
   * Encodes, keeps and announces the TC string of a decision (made at `time`, ms); returns the
   * receipt's TCF claims where GDPR applies: the TC string, and the AC string beside it when
   * Additional Consent providers are configured (so that a change of those alone is proven too).
   */
  const settle = (state: ConsentState, choice: TcfChoice, list: Gvl, time = at(state)): TcfClaims | undefined => {
    const shown = vendors(list)
    const tcString = encodeTcString(toModel(choice, list, shown, tcf, list.lang, time))
    stored = { id: state.id, at: state.updatedAt!, tcString, choice, disclosed: shown.map((v) => v.id) }
    write(stored)
    if (!applies) return
    api.update('useractioncomplete', body(stored))
    return { tcf: tcString, addtlConsent: acString(tcf, choice) }
  }

  /**
   * The receipt side (docs/tcf.md, "Receipts"), after the decision's note is written (same
   * click): the TC string goes into the decision's own receipt, or, when that one left already
   * (or for a change of TCF choices alone: `source`), into a receipt of its own. Without a
   * string (the vendor list failed) the decision's receipt stops waiting.
   */
  const prove = (state: ConsentState, tc?: TcfClaims, source?: ReceiptSource, event: ReceiptEvent = 'updated') =>
    receipts &&
    applies &&
    queueMicrotask(() => {
      if (source || (!noteTcString(state.id, at(state), tc) && tc)) noteDecision({ state, previous: state, event, source: source ?? 'tcf-late' }, tc)
      host.record()
    })

  /** The TC string of a decision made outside the TCF layer (or of `chosen` there), and its receipt. */
  const follow = (state: ConsentState, chosen?: TcfChoice) => {
    const apply = (list: Gvl) =>
      // A choice made outside the TCF layer (first layer, API) follows the advertising category.
      stopped || prove(state, settle(state, chosen ?? (state.categories.advertising ? allowAll(list, vendors(list), tcf) : rejectAll()), list))
    // Usually the list is here by the time of a click: the string is made in the same task.
    const list = loaded.get(gvlLang(lang)) ?? loaded.get(gvlLang(pageLang))
    if (list) return apply(list)
    // Not yet: the decision's receipt waits for the string, at most WAIT; then it goes without.
    receipts && applies && queueMicrotask(() => noteTcString(state.id, at(state), undefined, Date.now() + WAIT))
    const release = () => stopped || prove(state)
    setTimeout(release, WAIT)
    gvlReady.then(apply, release)
  }

  const now = host.$consent.get()
  // A returning visitor: the stored string answers `tcloaded` now, before the vendor list arrives.
  if (!applies) api.update('tcloaded', body(undefined))
  else if (belongs(now)) api.update('tcloaded', body(stored))
  else {
    if (stored) write((stored = undefined))
    // A decision this chunk did not see: made on this page before it started, or one whose
    // receipt still waits for its string (the tab closed first).
    if (now.decided && (at(now) > performance.timeOrigin - 1000 || pendingNotes().some((n) => n.sub === now.id && n.tcfDue))) follow(now)
  }

  stops.push(
    host.$consent.listen((state) => {
      if (!state.decided) {
        if (stored) write((stored = undefined))
        return
      }
      if (belongs(state)) return
      // Another tab's decision: that tab made its string (and receipt) already.
      const other = read()
      if (other?.id === state.id && other.at === state.updatedAt) {
        stored = other
        return applies && api.update('useractioncomplete', body(stored))
      }
      const chosen = pending
      pending = undefined
      follow(state, chosen)
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
    t: tcfText(host.config.source.translations?.[lang]?.tcf, labels.get(lang)),
    lang: list.lang,
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
      // records no new decision, so the new string gets a receipt of its own (source "tcf").
      const before = stored?.choice
      const withdrawn = before && takesBack(before, choice)
      if (pending && state.decided && (!before || withdrawn || takesBack(choice, before)))
        prove(state, settle(state, choice, list, Date.now()), 'tcf', withdrawn ? 'withdrawn' : 'updated')
      pending = undefined
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
    const list = loaded.get(gvlLang(lang))
    if (!list || !labels.has(lang)) {
      void Promise.all([gvlFor(gvlLang(lang)), labelsFor(lang)]).then(decorate, () => {})
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
    lang = root.lang || pageLang
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet]
    inShadow.disconnect()
    inShadow.observe(shadow, { childList: true, subtree: true })
    decorate()
  }
  const onBody = new MutationObserver(find)
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
