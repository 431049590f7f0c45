import { placeholder as english } from '../../locales/en.json'
import type { Shown } from './embeds.js'
import { format, lookup } from '../i18n/lookup.js'
import { serviceText } from '../i18n/service-text.js'
import { subjectOf } from '../config/subject.js'
import { el } from './dom.js'

/**
 * Stands in for a blocked iframe (docs/auto-blocking.md): the iframe's size, in the page's
 * language, naming the service, with "Load this once" and "Always allow <service>".
 * Its own open shadow root keeps page CSS out; size goes through CSSOM, which a
 * strict CSP allows (unlike style attributes). `own`: embed.css, over the UI's sheet.
 */
export function placeholder(frame: HTMLIFrameElement, { lang, texts, styles }: Shown, own: CSSStyleSheet, allow: () => void): HTMLElement {
  const service = frame.getAttribute('data-service')
  const name = (service && serviceText(texts, subjectOf(frame), 'title')) || service || frame.getAttribute('data-category')!
  const t = (key: string) => format(lookup(texts, key) ?? lookup({ placeholder: english }, key) ?? key, { service: name })
  const host = el('div', { class: 'consentry-placeholder', 'data-consentry-placeholder': '' })
  host.style.width = frame.width ? `${frame.width}px` : '100%'
  host.style.maxWidth = '100%'
  if (frame.height) host.style.minHeight = `${frame.height}px`
  const root = host.attachShadow({ mode: 'open' })
  root.adoptedStyleSheets = [styles, own]
  const load = () => {
    frame.src = frame.getAttribute('data-src')!
    frame.removeAttribute('data-src') // released: the gate will not touch it again
    frame.hidden = false
    host.remove()
  }
  root.append(
    el(
      'section',
      // lang inside the shadow root: :host's all: initial resets the locale (styles.css).
      { part: 'placeholder', class: 'embed', role: 'region', 'aria-label': t('placeholder.title'), lang },
      el('h2', {}, t('placeholder.title')),
      el('p', {}, t('placeholder.description')),
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'button', part: 'button load-once', onclick: load }, t('placeholder.loadOnce')),
        el('button', { type: 'button', part: 'button allow-service', onclick: allow }, t('placeholder.allow')),
      ),
    ),
  )
  return host
}
