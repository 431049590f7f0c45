// Auto-blocking (config `autoBlock`, docs/auto-blocking.md): elements whose URL is on a
// service's `domains` are held back without `type="text/plain"` markup. Scripts become
// gated markup and iframes get `data-src` (the gate releases both, in insertion order, and
// shows placeholders); images, links, embeds, objects, media and `srcdoc` keep their URL in
// `data-consentry-<attr>` and are released here.
//
// A browser starts a request at different moments per path: an image when its src is set
// (even off-document), a script or link when it is inserted, an iframe when it is inserted
// with a src or given one while inserted. So every way a URL gets onto an element is
// patched to look first — the URL property setters, setAttribute, the HTML-string
// setters (innerHTML, outerHTML, insertAdjacentHTML, document.write, createContextualFragment),
// the insertion methods (for clones, imports and nodes from other documents) and cloneNode.
// A MutationObserver catches what the HTML parser inserts: scripts before they run, the
// rest only after the browser saw them (docs/auto-blocking.md has the table).
//
// This module is a chunk of its own in the script-tag build (consentry-autoblock.js):
// it is loaded, parser-blocking, right after the Consentry tag only on pages that use it.

import { splitSubject, subjectOf } from '../config/subject.js'
import type { Resolved } from '../config/resolve.js'
import { allows as allowsIn } from '../core/allows.js'
import type { $consent } from '../core/state.js'

type Categories = Resolved['categories']

/** Which attributes carry a URL, per tag. */
const URLS: Record<string, string[]> = {
  SCRIPT: ['src'],
  IFRAME: ['src', 'srcdoc'],
  IMG: ['src', 'srcset'],
  SOURCE: ['src', 'srcset'],
  LINK: ['href'],
  EMBED: ['src'],
  OBJECT: ['data'],
  VIDEO: ['src', 'poster'],
  AUDIO: ['src'],
  INPUT: ['src'],
}
const TAGS = Object.keys(URLS).join()
const HELD = 'data-consentry-held'
const SEQ = 'data-consentry-seq'
/** Hosts named in a string of HTML, srcset or srcdoc: `//host` after a quote, `=`, a space or the start. */
const HOSTS = /(?:^|["'=\s,(])(?:[a-z][\w+.-]*:)?\/\/([^/\s"'<>?#\\]+)/gi

let categories: Categories
let allows: (name: string) => boolean
/** The running start's stop: a later start replaces it. */
let stop: (() => void) | undefined
let seq = 0
/** How many elements were held so far: `clean` gives back its input when parsing it held nothing. */
let count = 0
/** Held elements that are not in the document (pixels: `new Image().src`); released with the rest. */
const offDocument = new Set<Element>()

// Native functions, taken before patching (at start: importing this module touches no
// DOM, so SSR can import the npm build): the SDK's own work must not go through the patches.
let proto: Element
let native: Pick<Element, 'setAttribute' | 'removeAttribute' | 'getAttribute'>
let innerHTML: PropertyDescriptor
const set = (el: Element, name: string, value: string) => native.setAttribute.call(el, name, value)

/** The service ("category:service") whose `domains` cover `url`'s host, or undefined. */
export function serviceOf(url: string, list: Categories = categories): string | undefined {
  let host: string
  try {
    host = '.' + new URL(url, document.baseURI).hostname
  } catch {
    return
  }
  for (const c of list) for (const s of c.services) if (s.config.domains?.some((d) => host.endsWith('.' + d.toLowerCase()))) return s.key
}

/** The first blocked service a piece of text (srcset, srcdoc, HTML) names a URL of. */
const inText = (text: string): string | undefined => {
  for (const m of text.matchAll(HOSTS)) {
    const name = serviceOf('http://' + m[1])
    if (name && !allows(name)) return name
  }
}

/** The blocked service `value` (of `el`'s attribute `attr`) needs, or undefined when it may load. */
function blocked(el: Element, attr: string, value: string): string | undefined {
  if (!URLS[el.tagName]?.includes(attr) || (native.getAttribute.call(el, 'data-category') !== null && !el.hasAttribute(HELD))) return
  const name = attr === 'srcset' || attr === 'srcdoc' ? inText(attr === 'srcset' ? ' ' + value : value) : serviceOf(value)
  return name && !allows(name) ? name : undefined
}

function mark(el: Element, name: string): void {
  const [category, service] = splitSubject(name)
  set(el, 'data-category', category)
  set(el, 'data-service', service!) // held back for a service's domain: the name always has one
}

/**
 * Holds `el` back when `value` for `attr` must wait. True when the caller must not set the
 * attribute (the URL went to a data attribute); scripts take their src, as gated markup.
 */
function hold(el: Element, attr: string, value: string, inserted = false): boolean {
  const name = blocked(el, attr, value)
  if (!name) return false
  mark(el, name)
  count++
  if (el.tagName === 'SCRIPT') {
    if (!heldScript(el)) {
      const type = native.getAttribute.call(el, 'type')
      if (type) set(el, 'data-type', type)
      set(el, 'type', 'text/plain')
      set(el, HELD, '')
      set(el, SEQ, String(++seq))
    }
    return false
  }
  if (el.tagName === 'IFRAME' && attr === 'src') {
    set(el, 'data-src', value)
    // A parser-inserted frame is already navigating: about:blank stops it.
    if (inserted) set(el, 'src', 'about:blank')
    else native.removeAttribute.call(el, 'src')
    return true
  }
  set(el, HELD, '')
  set(el, 'data-consentry-' + attr, value)
  native.removeAttribute.call(el, attr)
  if (!el.isConnected) offDocument.add(el)
  return true
}

/**
 * Sorts gated elements by the insertion number auto-blocking stamped on them; the sort is
 * stable, so unstamped ones (none once it runs: the observer stamps parsed markup too) keep document order.
 */
export const byInsertion = (list: Element[]): void => {
  const order = (el: Element) => +(el.getAttribute(SEQ) ?? 1e9)
  list.sort((a, b) => order(a) - order(b))
}

/** A script held here and not yet released (a released copy keeps the attribute, not the type). */
const heldScript = (el: Element) => el.hasAttribute(HELD) && native.getAttribute.call(el, 'type') === 'text/plain'

/** Holds what `node` and its descendants carry already (clones, imports, parsed fragments). */
function scan(node: Node, inserted = false): void {
  if (node.nodeType !== 1 && node.nodeType !== 11) return
  const els = (node as ParentNode).querySelectorAll(TAGS)
  for (const el of node.nodeType === 1 ? [node as Element, ...Array.from(els)] : Array.from(els)) {
    for (const attr of URLS[el.tagName] ?? []) {
      const value = native.getAttribute.call(el, attr)
      if (value !== null) hold(el, attr, value, inserted)
    }
    // Gated scripts run in the order they were inserted (the gate sorts by this stamp).
    if (el.tagName === 'SCRIPT' && native.getAttribute.call(el, 'type') === 'text/plain' && el.hasAttribute('data-category') && !el.hasAttribute(SEQ))
      set(el, SEQ, String(++seq))
  }
}

/** `html` with every blocked URL held: parsed in an inert template, only when it names a blocked host. */
function clean(html: string): string {
  if (!inText(html)) return html
  const template = document.createElement('template')
  const before = count
  innerHTML.set!.call(template, html)
  scan(template.content)
  return count === before ? html : (innerHTML.get!.call(template) as string)
}

const patched = new Set<PropertyDescriptor>()

/** Wraps the setter of `prop` where `type`'s prototype chain defines it (once: video and audio share HTMLMediaElement's). */
function patchSetter(type: { prototype: object } | undefined, prop: string, fn: (this: Element, value: string, setter: (v: string) => void) => void): void {
  let owner: object | null = type?.prototype ?? null
  let desc: PropertyDescriptor | undefined
  while (owner && !(desc = Object.getOwnPropertyDescriptor(owner, prop))) owner = Object.getPrototypeOf(owner)
  if (!desc?.set || patched.has(desc)) return
  patched.add(desc)
  Object.defineProperty(owner!, prop, {
    ...desc,
    set(this: Element, value: string) {
      fn.call(this, value, (v) => desc.set!.call(this, v))
    },
  })
}

function patchMethod(
  target: object | undefined,
  method: string,
  wrap: (original: (...args: never[]) => unknown) => (this: never, ...args: never[]) => unknown,
): void {
  const original = target && ((target as Record<string, unknown>)[method] as ((...args: never[]) => unknown) | undefined)
  if (typeof original === 'function') (target as Record<string, unknown>)[method] = wrap(original)
}

/** Releases held images, links, embeds and frames' srcdoc whose service is allowed now. */
function release(): void {
  for (const el of [...Array.from(document.querySelectorAll(`[${HELD}]`)), ...offDocument]) {
    if (el.tagName === 'SCRIPT' || !allows(subjectOf(el))) continue
    offDocument.delete(el)
    native.removeAttribute.call(el, HELD)
    // srcset before src, so an image picks its candidate once.
    for (const attr of [...URLS[el.tagName]].reverse()) {
      const value = native.getAttribute.call(el, 'data-consentry-' + attr)
      if (value === null) continue
      native.removeAttribute.call(el, 'data-consentry-' + attr)
      set(el, attr, value)
    }
  }
}

/**
 * Starts holding back the hosts of `list`'s services, and releasing them when `store` (the
 * SDK's `$consent`, passed in: the script-tag chunk has no store of its own) allows them.
 * A later call replaces the config. Returns the stop destroy() runs: the store listener and
 * the parser observer go. The patches stay (other code may have wrapped them since, so they
 * cannot be taken back) and keep holding what consent does not allow: a destroyed SDK lets
 * nothing through, and the next start releases what it allows.
 */
export function autoBlock(list: Categories, store: typeof $consent): () => void {
  stop?.()
  allows = (name) => allowsIn(store.get(), name)
  const unlisten = store.listen(release)
  // What the HTML parser inserts: a script is held before it runs (the parser empties the
  // microtask queue before it prepares a script); other elements only after their request.
  const parsed = new MutationObserver((records) => records.forEach((record) => record.addedNodes.forEach((node) => scan(node, true))))
  stop = () => {
    unlisten()
    parsed.disconnect()
  }
  if (!categories) patch()
  categories = list
  parsed.observe(document, { childList: true, subtree: true })
  return stop
}

/** Every way a URL gets onto an element looks first (the module comment); once per page. */
function patch(): void {
  proto = Element.prototype
  native = { setAttribute: proto.setAttribute, removeAttribute: proto.removeAttribute, getAttribute: proto.getAttribute }
  innerHTML = Object.getOwnPropertyDescriptor(proto, 'innerHTML')!

  // URL properties: script.src, img.src, link.href, iframe.srcdoc …
  for (const [tag, attrs] of Object.entries(URLS)) {
    const type = document.createElement(tag).constructor as { prototype: object }
    for (const attr of attrs)
      patchSetter(type, attr, function (value, setter) {
        if (!hold(this, attr, String(value))) setter(value)
      })
  }
  // A held script given a type afterwards keeps it for later, not to run now.
  patchSetter(HTMLScriptElement, 'type', function (value, setter) {
    if (heldScript(this)) set(this, 'data-type', value)
    else setter(value)
  })
  patchMethod(
    proto,
    'setAttribute',
    (original) =>
      function (this: Element, name: string, value: string) {
        const attr = String(name).toLowerCase()
        if (attr === 'type' && this.tagName === 'SCRIPT' && heldScript(this)) return set(this, 'data-type', String(value))
        if (!hold(this, attr, String(value))) original.call(this, name as never, value as never)
      } as never,
  )
  patchMethod(
    proto,
    'setAttributeNS',
    (original) =>
      function (this: Element, ns: string | null, name: string, value: string) {
        if (!hold(this, String(name).toLowerCase().replace(/^.*:/, ''), String(value))) original.call(this, ns as never, name as never, value as never)
      } as never,
  )
  // HTML strings: parsed once more in an inert template, held there, then given to the browser.
  for (const type of [Element, typeof ShadowRoot === 'undefined' ? undefined : ShadowRoot])
    for (const prop of ['innerHTML', 'outerHTML']) patchSetter(type, prop, (value, setter) => setter(clean(String(value))))
  patchMethod(
    proto,
    'insertAdjacentHTML',
    (original) =>
      function (this: Element, where: string, html: string) {
        return original.call(this, where as never, clean(String(html)) as never)
      } as never,
  )
  patchMethod(
    proto,
    'setHTMLUnsafe',
    (original) =>
      function (this: Element, html: string) {
        return original.call(this, clean(String(html)) as never)
      } as never,
  )
  patchMethod(
    Range.prototype,
    'createContextualFragment',
    (original) =>
      function (this: Range, html: string) {
        return original.call(this, clean(String(html)) as never)
      } as never,
  )
  for (const method of ['write', 'writeln'])
    patchMethod(
      Document.prototype,
      method,
      (original) =>
        function (this: Document, ...html: string[]) {
          return original.call(this, clean(html.join('')) as never)
        } as never,
    )
  // Insertions, clones and imports: nodes that got their URL without a setter (cloneNode,
  // importNode, DOMParser, template content) are held before the browser sees them. Nodes
  // of this document going into a detached tree wait for that tree's insertion: nothing
  // but an image loads off the document, and images are held when their URL is set.
  const beforeInsert = (original: (...args: never[]) => unknown) =>
    function (this: Node, ...args: unknown[]) {
      for (const arg of args)
        if (arg && typeof arg === 'object' && 'nodeType' in (arg as Node) && (this.isConnected || (arg as Node).ownerDocument !== document)) scan(arg as Node)
      return original.apply(this, args as never[])
    } as never
  for (const method of ['appendChild', 'insertBefore', 'replaceChild']) patchMethod(Node.prototype, method, beforeInsert)
  for (const method of ['append', 'prepend', 'before', 'after', 'replaceWith', 'replaceChildren', 'insertAdjacentElement'])
    patchMethod(proto, method, beforeInsert)
  const afterCopy = (original: (...args: never[]) => unknown) =>
    function (this: Node, ...args: unknown[]) {
      const copy = original.apply(this, args as never[]) as Node
      scan(copy)
      return copy
    } as never
  patchMethod(Node.prototype, 'cloneNode', afterCopy)
  for (const method of ['importNode', 'adoptNode']) patchMethod(Document.prototype, method, afterCopy)
}
