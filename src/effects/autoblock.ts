// Auto-blocking (config `autoBlock`, docs/auto-blocking.md): scripts and iframes
// from a service's `domains` are held back without `type="text/plain"` markup,
// by turning them into gated markup (DESIGN.md §4) that the gate releases on
// consent: parser-inserted ones through a MutationObserver, created ones
// (`createElement('script')`, then `.src = …`) through the `src` setter.
// It must start while the page is still parsing: the config has to be inline
// (`#consentry-config`) or passed to a synchronous `Consentry.init()` in <head>.

import type { Resolved } from '../config/resolve.js'

type Held = HTMLScriptElement | HTMLIFrameElement

let config: Resolved | undefined
let allows: (name: string) => boolean

/** The service ("category:service") whose `domains` cover `url`'s host, or undefined. */
export function serviceOf(url: string, categories: Resolved['categories']): string | undefined {
  let host: string
  try {
    host = '.' + new URL(url, location.href).hostname
  } catch {
    return
  }
  for (const c of categories) for (const s of c.services) if (s.config.domains?.some((d) => host.endsWith('.' + d))) return s.key
}

/** Marks `el` as gated markup when its URL must wait; true when an iframe's src must not be set. */
function hold(el: Held, url: string): boolean | undefined {
  const name = !el.hasAttribute('data-category') && serviceOf(url, config!.categories)
  if (!name || allows(name)) return
  const [category, service] = name.split(':')
  el.setAttribute('data-category', category)
  el.setAttribute('data-service', service)
  if (el.tagName === 'IFRAME') {
    el.setAttribute('data-src', url)
    el.setAttribute('src', 'about:blank')
    return true
  }
  const script = el as HTMLScriptElement
  if (script.type) script.setAttribute('data-type', script.type)
  script.type = 'text/plain'
}

/** Starts holding back `config`'s services' hosts (once per page; a later init replaces the config). */
export function autoBlock(resolved: Resolved, test: (name: string) => boolean): void {
  allows = test
  if (config) return void (config = resolved)
  config = resolved
  for (const type of [HTMLScriptElement, HTMLIFrameElement]) {
    const src = Object.getOwnPropertyDescriptor(type.prototype, 'src')!
    Object.defineProperty(type.prototype, 'src', {
      ...src,
      set(this: Held, url: string) {
        if (!hold(this, url)) src.set!.call(this, url)
      },
    })
  }
  new MutationObserver((records) =>
    records.forEach((record) =>
      record.addedNodes.forEach((node) => {
        const src = /^(SCRIPT|IFRAME)$/.test(node.nodeName) && (node as Element).getAttribute('src')
        if (src) hold(node as Held, src)
      }),
    ),
  ).observe(document, { childList: true, subtree: true })
}
