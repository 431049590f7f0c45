// Script and iframe gating (README, "Script tag quick start"; docs/auto-blocking.md). Markup is inert until released:
// `<script type="text/plain">` neither runs nor fetches its src, and an iframe
// with only `data-src` loads nothing. Releasing re-creates each script (the only
// way to make the browser run it) and copies src into the iframe.

import { subjectOf } from '../config/subject.js'
import { byInsertion } from '../lazy/index.js'

const GATED = 'script[type="text/plain"][data-category],iframe[data-category][data-src]'

export interface Gate {
  /** Runs whatever is allowed now; resolves when every released script has loaded or failed. */
  release(): Promise<void>
  /** Stops watching the document for gated elements. */
  stop(): void
}

function recreate(old: HTMLScriptElement, nonce: string | undefined): HTMLScriptElement {
  const script = document.createElement('script')
  for (const { name, value } of old.attributes) {
    if (name !== 'type' && name !== 'data-type' && name !== 'data-src' && name !== 'nonce') script.setAttribute(name, value)
  }
  const type = old.getAttribute('data-type')
  if (type) script.type = type
  const src = old.getAttribute('data-src') ?? old.getAttribute('src')
  if (src) script.src = src
  else script.text = old.text
  // The nonce attribute reads as "" once a CSP applies; the property keeps it.
  const n = old.nonce || old.getAttribute('nonce') || nonce
  if (n) script.nonce = n
  // Inserted scripts are async by default; keep the order unless the markup asked for async.
  script.async = old.hasAttribute('async')
  return script
}

/**
 * Watches the document for gated markup. `allows` is `has("analytics")` / `has("analytics:ga4")`;
 * `nonce` goes on re-created scripts whose markup carried none (CSP); `onBlocked` is told of a
 * gated iframe that is not allowed yet, at every pass that finds it so (a placeholder shows).
 * (Parameters, not an options object: their names would stay in the first view's bytes.)
 */
export const createGate = (allows: (name: string) => boolean, nonce?: string, onBlocked?: (frame: HTMLIFrameElement) => void): Gate => {
  const started = new WeakSet<Element>()
  let queue: Promise<void> = Promise.resolve()

  // A release queued for after a frame (instance.ts) may come after stop(): it does nothing then.
  let stopped = false

  async function run(): Promise<void> {
    const list = [...document.querySelectorAll(GATED)]
    // With auto-blocking, in insertion order (autoblock.ts); else in document order.
    byInsertion?.(list)
    for (const el of list) {
      if (stopped) return
      if (started.has(el) || !el.isConnected) continue
      // A tag name test, not instanceof: naming HTMLIFrameElement builds its
      // interface object, heap that every page view pays (test/bench/README.md).
      const frame = el.tagName === 'IFRAME' ? (el as HTMLIFrameElement) : undefined
      if (!allows(subjectOf(el))) {
        if (frame) onBlocked?.(frame)
        continue
      }
      started.add(el)
      if (frame) {
        frame.src = frame.getAttribute('data-src')!
        continue
      }
      const script = recreate(el as HTMLScriptElement, nonce)
      // External scripts run one after another, in document order (docs/auto-blocking.md, order and "exactly once"), and so
      // do modules: an inline one runs later than it is inserted and fires no load event,
      // so it announces its end itself (a module error goes to the window instead).
      // (One at a time, so one event name serves them all.)
      const module = !script.src && script.type === 'module'
      let settle!: () => void
      const done =
        (script.src ? !script.async : module) &&
        new Promise<void>((resolve) => {
          script.onload = script.onerror = settle = () => resolve()
        })
      if (module) {
        script.text += '\n;window.dispatchEvent(new CustomEvent(`consentry:ran`))'
        addEventListener('consentry:ran', settle)
        addEventListener('error', settle)
      }
      el.replaceWith(script)
      if (done) await done
      // Taken off once it ran: an SPA releasing many modules must not pile up window listeners (issue 26).
      if (module) {
        removeEventListener('consentry:ran', settle)
        removeEventListener('error', settle)
      }
    }
  }

  // Batches chain: a release during a slow external script waits its turn, so
  // nothing runs twice and order holds across batches. When nothing is in
  // flight the batch starts at once (a click's release comes after its frame: instance.ts).
  let busy = 0
  const track = (batch: Promise<void>): Promise<void> => {
    busy++
    return (queue = batch.finally(() => busy--))
  }
  const release = (): Promise<void> => track(busy ? queue.then(run, run) : run())

  // Gated markup added later (SPA routes, tag managers) is released when allowed.
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue
        const el = node as Element
        if (/^(SCRIPT|IFRAME)$/.test(el.tagName) ? el.matches(GATED) : el.firstElementChild && el.querySelector(GATED)) return void release()
      }
    }
  })
  // While the parser is still at work, watching every node it inserts costs more
  // than it saves (test/bench/README.md): gated markup is inert until released anyway,
  // so one pass in document order at DOMContentLoaded catches all of it.
  const watch = () => {
    void release()
    observer.observe(document, { childList: true, subtree: true })
  }
  // DOMContentLoaded comes once; stop() takes the listener off.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch)
  else observer.observe(document, { childList: true, subtree: true })

  return {
    release,
    stop: () => {
      stopped = true
      // (A no-op when it was never added.)
      document.removeEventListener('DOMContentLoaded', watch)
      observer.disconnect()
    },
  }
}
