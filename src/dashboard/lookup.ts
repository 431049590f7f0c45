// One consent id's record, for a data-subject request: every stored receipt with what it says
// (decoded from the stored JWS, which the collector verified on arrival) and its chain breaks.

import type { StoredReceipt, Subject } from './api.js'
import { h, scrollable } from './dom.js'

interface Claims {
  event?: string
  source?: string
  categories?: Record<string, boolean>
  revision?: number
  config?: string
  texts?: { lang?: string; sha256?: string }
  mode?: string
  region?: string
  gpc?: boolean
  origin?: string
  iat?: number
}

function claimsOf(jws: string): Claims {
  try {
    const part = jws.split('.')[1] ?? ''
    const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
    return JSON.parse(new TextDecoder().decode(bytes)) as Claims
  } catch {
    return {}
  }
}

/** Date and time on two lines: a narrow column never breaks the date at its hyphens. */
const when = (iso: string) => [iso.slice(0, 10), h('br'), h('span', { class: 'muted' }, `${iso.slice(11, 19)} UTC`)]

const categoriesCell = (categories: Record<string, boolean> | undefined) =>
  h(
    'ul',
    { class: 'cats' },
    ...Object.entries(categories ?? {}).map(([name, on]) => h('li', { class: on ? 'on' : 'off' }, `${name}: ${on ? 'granted' : 'denied'}`)),
  )

function receiptRow(r: StoredReceipt) {
  const c = claimsOf(r.jws)
  const breaks = r.chain.map((b) => `${b.kind ?? 'break'}: ${b.detail ?? ''}`.trim())
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, String(r.seq)),
    h('td', {}, String(r.logIndex)),
    h('td', { class: 'nowrap' }, ...when(r.receivedAt)),
    h('td', {}, c.event ?? '–', h('br'), h('span', { class: 'muted' }, c.source ?? '')),
    h('td', {}, categoriesCell(c.categories)),
    h('td', {}, `${c.mode ?? '–'}`, h('br'), h('span', { class: 'muted' }, c.region ?? 'no region')),
    h('td', {}, c.revision === undefined ? '–' : `revision ${c.revision}`, h('br'), h('code', { class: 'hash' }, c.config ?? '')),
    h('td', {}, c.texts?.lang ?? '–', h('br'), h('code', { class: 'hash' }, c.texts?.sha256 ?? '')),
    h('td', {}, breaks.length ? h('ul', { class: 'breaks' }, ...breaks.map((b) => h('li', {}, b))) : 'intact'),
  )
}

export function renderSubject(subject: Subject): HTMLElement {
  const n = subject.receipts.length
  const status = subject.chain.ok
    ? h('p', { class: 'badge ok' }, `Chain intact: ${n} receipt${n === 1 ? '' : 's'}, each linked to the one before.`)
    : h(
        'p',
        { class: 'badge warn' },
        `${subject.chain.breaks.length} chain break${subject.chain.breaks.length === 1 ? '' : 's'} in ${n} receipts (recorded on arrival, not refused).`,
      )
  const table = h(
    'table',
    { class: 'data receipts' },
    h('caption', {}, `Receipts of consent id ${subject.consentId}, in log order`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Seq', 'Log index', 'Received', 'Event / source', 'Categories', 'Mode / region', 'Revision / config hash', 'Language / texts hash', 'Chain'].map(
          (l) => h('th', { scope: 'col' }, l),
        ),
      ),
    ),
    h('tbody', {}, ...subject.receipts.map(receiptRow)),
  )
  return h('div', { class: 'subject' }, status, scrollable(`Receipts of ${subject.consentId}`, table))
}
