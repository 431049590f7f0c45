// The TCF layers (docs/tcf.md, "What the visitor sees"), as TCF Policy asks of a CMP:
// on the first layer, the number of partners, the purposes (in stacks where they fit) and
// special features, and a way to the second layer; on the second, every purpose, special
// purpose, feature and special feature with its description and illustrations, and every
// partner with its own consent switch, its legitimate-interest switch (switching it off is
// the visitor's objection), its data retention, the data it uses and its privacy policy.
// Texts come from the vendor list in the visitor's language (purposes-<lang>.json).
//
// Plain DOM in the TCF chunk: no framework, and nothing of it in the first view of a
// site without `tcf`. The dialog handles focus as the preference centre does
// (src/ui/focus.ts): it takes focus when it opens, Tab wraps inside it, Escape and ✕
// close it without deciding anything, and focus goes back to what opened it.

import type { AcProvider } from '../config/types.js'
import { el } from '../ui/dom.js'
import { trapTab } from '../ui/focus.js'
import { LI_PURPOSES, type TcfChoice } from './choice.js'
import type { Gvl, GvlVendor } from './gvl.js'
import { firstLayerLines, uses } from './stacks.js'
import type { TcfTextKey } from './texts.js'

export interface LayerOptions {
  gvl: Gvl
  vendors: GvlVendor[]
  providers: AcProvider[]
  t: (key: TcfTextKey, count?: number) => string
  lang: string
  /** Where the switches start: the visitor's last TCF choice, or no consent and no objection yet. */
  draft(): TcfChoice
  /** The visitor saved, accepted or rejected in the dialog. */
  decide(choice: TcfChoice | boolean): void
}

type Ids = keyof Omit<TcfChoice, 'acConsents'> | 'acConsents'

/** A link that opens beside the page, only to an https: address (config and vendor list text never become markup); none otherwise. */
const link = (href: string | undefined, text = href?.slice(8)) =>
  !!href && /^https:\/\//.test(href) && el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text!)

/** A switch: a native checkbox with role="switch" (as the preference centre's), bound to one id of one list of the draft. */
function toggle(draft: TcfChoice, list: Ids, id: number, label: string, describedBy?: string): HTMLElement {
  const input = el('input', {
    type: 'checkbox',
    role: 'switch',
    'aria-describedby': describedBy,
    onchange: () => {
      draft[list] = input.checked ? [...draft[list], id] : draft[list].filter((x) => x !== id)
    },
  }) as HTMLInputElement
  input.checked = draft[list].includes(id)
  input.dataset.list = list
  input.dataset.id = String(id)
  return el('label', { class: 'tcf-switch' }, input, label)
}

/** "Purposes and partners (n)": opens the second layer, from the first layer or the preference centre. */
export function openButton(o: LayerOptions, open: (opener: HTMLElement) => void): HTMLElement {
  const button: HTMLElement = el(
    'button',
    { type: 'button', part: 'button tcf-open', class: 'tcf-link', 'data-action': 'tcf', onclick: () => open(button) },
    o.t('open', o.vendors.length + o.providers.length),
  )
  return button
}

/** The block the first layer gets (inside its text), with the button that opens the second layer. */
export function firstLayerBlock(o: LayerOptions, open: (opener: HTMLElement) => void): HTMLElement {
  return el(
    'div',
    { class: 'tcf-l1', part: 'tcf-notice' },
    el('p', {}, o.t('intro', o.vendors.length + o.providers.length)),
    el('ul', {}, ...firstLayerLines(o.gvl, uses(o.vendors)).map((line) => el('li', {}, line))),
    openButton(o, open),
  )
}

/** Lines of names, for a partner's purposes and the like. */
const names = (group: Record<string, { name: string }>, ids: number[]): string => ids.map((id) => group[id]?.name ?? `#${id}`).join('; ')

function vendorDetails(o: LayerOptions, v: GvlVendor): HTMLElement {
  const { gvl, t } = o
  const rows: [string, string | Node][] = []
  const add = (label: string, value: string | Node | undefined | false) => value && rows.push([label, value])
  add(
    t('consentPurposes'),
    names(gvl.purposes, [...v.purposes, ...v.flexiblePurposes.filter((id) => !v.purposes.includes(id) && !v.legIntPurposes.includes(id))]),
  )
  add(t('liPurposes'), names(gvl.purposes, v.legIntPurposes))
  add(t('specialPurposes'), names(gvl.specialPurposes, v.specialPurposes))
  add(t('features'), names(gvl.features, v.features))
  add(t('specialFeatures'), names(gvl.specialFeatures, v.specialFeatures))
  const r = v.dataRetention
  if (r) {
    const days = (n: number) => t('days', n)
    const per = (group: Record<string, { name: string }>, retention: Record<string, number> = {}) =>
      Object.entries(retention).map(([id, n]) => `${group[id]?.name ?? id}: ${days(n)}`)
    add(
      t('retention'),
      [r.stdRetention !== undefined && days(r.stdRetention), ...per(gvl.purposes, r.purposes), ...per(gvl.specialPurposes, r.specialPurposes)]
        .filter(Boolean)
        .join('; '),
    )
  }
  add(t('dataCategories'), names(gvl.dataCategories, v.dataDeclaration ?? []))
  add(t('storage'), typeof v.cookieMaxAgeSeconds === 'number' && t('days', Math.ceil(v.cookieMaxAgeSeconds / 86_400)))
  if (v.usesNonCookieAccess) rows.push([t('otherStorage'), '✓'])
  const url = v.urls?.find((u) => u.langId === o.lang) ?? v.urls?.find((u) => u.langId === 'en') ?? v.urls?.[0]
  add(t('privacy'), link(url?.privacy))
  add(t('legIntClaim'), v.legIntPurposes.length > 0 && link(url?.legIntClaim))
  return el('dl', {}, ...rows.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]))
}

/** One purpose, feature or special feature: its name, switches, and its description with examples under a disclosure. */
function item(
  o: LayerOptions,
  entry: { id: number; name: string; description: string; illustrations?: string[] },
  key: string,
  switches: HTMLElement[],
  vendorCount?: number,
): HTMLElement {
  const id = `cs-tcf-${key}-${entry.id}`
  const examples = !!entry.illustrations?.length
  const more = el(
    'details',
    {},
    el('summary', {}, entry.name),
    el('p', { id }, entry.description),
    examples && el('p', {}, o.t('illustrations')),
    examples && el('ul', {}, ...entry.illustrations!.map((text) => el('li', {}, text))),
    vendorCount !== undefined && el('p', {}, o.t('vendorCount', vendorCount)),
  )
  for (const s of switches) s.querySelector('input')!.setAttribute('aria-describedby', id)
  return el('div', { class: 'tcf-item' }, more, switches.length > 0 && el('div', { class: 'tcf-switches' }, ...switches))
}

/**
 * Opens the second layer over whatever is on screen (`below`, made inert and hidden while
 * it is open). Returns the function that closes it; focus then goes back to `opener`.
 */
export function openDialog(shadow: ShadowRoot, o: LayerOptions, below: HTMLElement | null, opener: HTMLElement | null): () => void {
  const { gvl, vendors, t } = o
  const draft = o.draft()
  const used = uses(vendors)
  const section = (title: string, ...children: (HTMLElement | false)[]) => el('section', {}, el('h3', {}, title), ...children)
  const asking = (id: number) => vendors.filter((v) => v.purposes.includes(id) || v.legIntPurposes.includes(id) || v.flexiblePurposes.includes(id)).length
  const liUsed = (id: number) => LI_PURPOSES.includes(id) && vendors.some((v) => v.legIntPurposes.includes(id) || v.flexiblePurposes.includes(id))

  const vendorList = el(
    'div',
    {},
    ...vendors.map((v) => {
      const details = el('details', {}, el('summary', { id: `cs-tcf-v-${v.id}` }, v.name))
      // 300+ partners: each one's details are built when first opened.
      details.addEventListener('toggle', () => details.childElementCount < 2 && details.append(vendorDetails(o, v)), { once: true })
      const switches = [
        (v.purposes.length > 0 || v.flexiblePurposes.length > 0 || v.specialFeatures.length > 0) &&
          toggle(draft, 'vendorConsents', v.id, t('consent'), `cs-tcf-v-${v.id}`),
        v.legIntPurposes.length > 0 && toggle(draft, 'vendorLegitimateInterests', v.id, t('legitimateInterest'), `cs-tcf-v-${v.id}`),
      ]
      return el('div', { class: 'tcf-item', part: 'tcf-vendor' }, details, el('div', { class: 'tcf-switches' }, ...switches))
    }),
    ...o.providers.map((p) =>
      el(
        'div',
        { class: 'tcf-item' },
        el('p', { id: `cs-tcf-ac-${p.id}` }, p.name, ' ', link(p.policyUrl, t('privacy'))),
        el('div', { class: 'tcf-switches' }, toggle(draft, 'acConsents', p.id, t('consent'), `cs-tcf-ac-${p.id}`)),
      ),
    ),
  )

  const close = el(
    'button',
    { type: 'button', part: 'button close', class: 'close', 'data-action': 'close', 'aria-label': t('close'), onclick: () => shut() },
    '×',
  )
  const action = (name: string, key: TcfTextKey, choice: () => TcfChoice | boolean) =>
    el('button', { type: 'button', part: `button ${name}`, 'data-action': name, onclick: () => o.decide(choice()) }, t(key))
  const dialog = el(
    'div',
    {
      part: 'tcf-preferences',
      class: 'dialog tcf',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'cs-tcf-title',
      'aria-describedby': 'cs-tcf-desc',
      tabindex: '-1',
      onkeydown: (event) => {
        const key = event as KeyboardEvent
        if (key.key === 'Escape') {
          key.preventDefault()
          key.stopPropagation()
          shut()
        } else trapTab(key, dialog)
      },
    },
    el('div', { class: 'head' }, el('h2', { id: 'cs-tcf-title' }, t('title')), close),
    el('p', { id: 'cs-tcf-desc' }, t('description')),
    section(
      t('purposes'),
      ...used.purposes.map((id) =>
        item(
          o,
          gvl.purposes[id]!,
          'p',
          [
            toggle(draft, 'purposeConsents', id, t('consent')),
            ...(liUsed(id) ? [toggle(draft, 'purposeLegitimateInterests', id, t('legitimateInterest'))] : []),
          ],
          asking(id),
        ),
      ),
    ),
    used.specialFeatures.length > 0 &&
      section(
        t('specialFeatures'),
        ...used.specialFeatures.map((id) => item(o, gvl.specialFeatures[id]!, 'sf', [toggle(draft, 'specialFeatures', id, t('consent'))])),
      ),
    used.specialPurposes.length > 0 && section(t('specialPurposes'), ...used.specialPurposes.map((id) => item(o, gvl.specialPurposes[id]!, 'sp', []))),
    used.features.length > 0 && section(t('features'), ...used.features.map((id) => item(o, gvl.features[id]!, 'f', []))),
    section(t('vendors', vendors.length + o.providers.length), vendorList),
    el(
      'div',
      { class: 'actions' },
      action('accept-all', 'acceptAll', () => true),
      action('reject-all', 'rejectAll', () => false),
      action('save', 'save', () => draft),
    ),
  )
  const backdrop = el('div', { class: 'backdrop' })
  const shut = () => {
    backdrop.remove()
    dialog.remove()
    below?.removeAttribute('inert')
    const back = opener?.isConnected ? opener : shadow.querySelector<HTMLElement>('[data-action=preferences]')
    back?.focus()
  }
  // One layer at a time: what was on screen is out of reach and out of sight (layer.css).
  below?.setAttribute('inert', '')
  shadow.append(backdrop, dialog)
  dialog.focus()
  return shut
}
