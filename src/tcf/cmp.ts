// The TCF chunk (docs/tcf.md): loaded only when the config has `tcf`. It takes
// over `__tcfapi` from the stub, answers a returning visitor at once from the
// stored TC string (`tcloaded`), loads the vendor list from the site's own server,
// turns each Consentry decision into a TC string, and offers the TCF second layer.

import type { ReadableAtom } from 'nanostores'
import type { Resolved } from '../config/resolve.js'
import { regionKeys } from '../config/region.js'
import type { TcfConfig } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import type { View } from '../ui/view.js'
import { takeOver, type TcBody } from './api.js'
import { acString, allowAll, rejectAll, toModel, type TcfChoice } from './choice.js'
import { encodeTcString } from './encode.js'
import { loadGvl, shownVendors, type Gvl, type GvlVendor } from './gvl.js'
import { installStub } from './stub.js'

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
  gvl: Promise<Gvl>
  /** The TCF choice the next decision carries (set by the TCF second layer before it decides). */
  choose(choice: TcfChoice): void
  current(): StoredTc | undefined
  vendors(gvl: Gvl): GvlVendor[]
}

export function startTcf(host: TcfHost): TcfSession {
  const tcf = host.config.source.tcf as TcfConfig
  const w = window
  installStub(w)
  const applies = gdprApplies(host.config.region)
  let gvl: Gvl | undefined
  const cmp = takeOver(w, { cmpId: tcf.cmpId, cmpVersion: tcf.cmpVersion ?? 1, gdprApplies: applies }, () => gvl)
  const lang = (document.documentElement.lang || host.config.source.language?.default || 'en').slice(0, 2).toLowerCase()
  const gvlReady = loadGvl(tcf.vendorList, lang).then((list) => (gvl = list))
  gvlReady.catch((error: Error) => console.error(error.message))

  const body = (stored: StoredTc | undefined): TcBody => {
    const choice = stored?.choice ?? rejectAll()
    const disclosed = stored?.disclosed ?? []
    const purposes = Object.keys(gvl?.purposes ?? {}).map(Number)
    return {
      tcString: stored?.tcString ?? '',
      tcfPolicyVersion: gvl?.tcfPolicyVersion,
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
  if (!applies) cmp.update('tcloaded', body(undefined))
  else if (belongs(host.$consent.get())) cmp.update('tcloaded', body(stored))
  else if (stored) write((stored = undefined))

  let pending: TcfChoice | undefined
  const vendors = (list: Gvl) => shownVendors(list, tcf.vendors)

  host.$consent.listen((state) => {
    if (!state.decided) {
      if (stored) write((stored = undefined))
      return
    }
    if (belongs(state)) return
    const chosen = pending
    pending = undefined
    void gvlReady.then((list) => {
      const shown = vendors(list)
      // A choice made outside the TCF layer (first layer, API, another tab) follows the advertising category.
      const choice = chosen ?? (state.categories.advertising ? allowAll(list, shown, tcf) : rejectAll())
      const tcString = encodeTcString(toModel(choice, list, shown, tcf, list.lang, Date.parse(state.updatedAt ?? '') || Date.now()))
      stored = { id: state.id, at: state.updatedAt!, tcString, choice, disclosed: shown.map((v) => v.id) }
      write(stored)
      if (applies) cmp.update('useractioncomplete', body(stored))
    })
  })

  host.$view.subscribe((view) => {
    const visible = view !== 'hidden'
    cmp.displayStatus(visible)
    if (visible && applies && view === 'banner') cmp.update('cmpuishown', body(stored))
  })

  return {
    gvl: gvlReady,
    choose(choice) {
      pending = choice
    },
    current: () => stored,
    vendors,
  }
}
