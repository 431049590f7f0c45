import type { Resolved } from '../config/resolve.js'
import type { TextTree, UiConfig } from '../config/types.js'
import { $consent } from '../core/state.js'
import { lookup } from '../i18n/lookup.js'
import type { UiActions } from './actions.js'
import { el } from './dom.js'
import { trapTab } from './focus.js'

/**
 * The first layer: Accept all, Reject all and Manage preferences with the same
 * weight, in one row (EDPB Cookie Banner Taskforce, points A–F). A labelled
 * region, or a modal dialog when `ui.blocking` is set.
 *
 * Plain DOM, not preact: it is static, must paint with the page, and keeping the
 * framework out of the first layer is what holds the 12 kB budget (preact renders
 * the preference centre, loaded on demand — src/lazy). `layout` and `position` are ui's with
 * their defaults (mount.ts); the rest it reads from config. A `notice` (config.mode) has its own
 * wording and one acknowledge action (docs/regions.md).
 */
export function Banner(
  config: Resolved,
  texts: TextTree,
  actions: UiActions,
  layout: NonNullable<UiConfig['layout']>,
  position: NonNullable<UiConfig['position']>,
): HTMLElement {
  const t = (key: string) => lookup(texts, key) ?? key
  const { mode, policyUrl } = config
  const blocking = !!config.source.ui?.blocking
  // A notice informs and asks nothing: it must not read like a choice (docs/regions.md).
  const notice = mode === 'notice'
  const head = notice ? 'notice.' : 'banner.'
  const button = (action: string, part: string, key: string, onclick: () => void) =>
    el('button', { type: 'button', part: `button ${part}`, 'data-action': action, onclick }, t(key))
  // Swapped in the DOM, not by CSS: the order seen is the order Tab and a screen reader follow.
  const choices = [
    button('accept-all', 'accept-all', 'banner.acceptAll', () => actions.acceptAll('banner')),
    button('reject-all', 'reject-all', 'banner.rejectAll', () => actions.rejectAll('banner')),
  ]
  // Reject all before Accept all (ui.flipButtons).
  if (config.source.ui?.flipButtons) choices.reverse()
  return el(
    'section',
    {
      part: 'banner',
      class: `banner ${layout} ${position}`,
      role: blocking ? 'dialog' : 'region',
      'aria-modal': blocking && 'true',
      'aria-labelledby': 'cs-title',
      'aria-describedby': 'cs-desc',
      // A blocking first layer is a real modal: Tab stays inside (WCAG 2.1.2 applies to the way out: the choices).
      onkeydown: blocking && ((event: Event) => trapTab(event as KeyboardEvent, event.currentTarget as HTMLElement)),
    },
    el(
      'div',
      { class: 'text' },
      el('h2', { id: 'cs-title' }, t(head + 'title')),
      el('p', { id: 'cs-desc' }, t(head + 'description'), policyUrl && ' ', policyUrl && el('a', { part: 'link', href: policyUrl }, t('banner.policyLink'))),
      // A link, as the CCPA names it (Cal. Code Regs. tit. 11, §7026): one click opts out of sale
      // and sharing. Where opt-out applies and there is advertising to opt out of (docs/regions.md).
      mode === 'opt-out' &&
        'advertising' in $consent.get().categories &&
        el(
          'p',
          {},
          el(
            'a',
            {
              part: 'link do-not-sell',
              href: '#',
              'data-action': 'do-not-sell',
              onclick: (event: Event) => (event.preventDefault(), actions.doNotSell('banner')),
            },
            t('usPrivacy.doNotSell'),
          ),
        ),
    ),
    el(
      'div',
      { class: 'actions' },
      ...(notice
        ? [button('acknowledge', 'acknowledge', 'notice.acknowledge', () => actions.acceptAll('banner'))]
        : [...choices, button('preferences', 'show-preferences', 'banner.preferences', actions.openPreferences)]),
    ),
  )
}
