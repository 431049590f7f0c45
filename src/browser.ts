// Script-tag entry (README, "Script tag quick start"): window.Consentry, and auto-init from
// `data-config="/consent.json"` on the tag or `<script type="application/json" id="consentry-config">`.

import * as api from './api.js'

// A module script (type="module") has no currentScript: its tag is found by type and file name.
const script = (document.currentScript ?? document.querySelector('script[type=module][src*=consentry]')) as HTMLScriptElement | null

api.configureHost(
  script?.nonce || script?.getAttribute('data-nonce') || undefined,
  // The tag's folder: src without its last segment, query or hash. A string
  // operation, because building a URL object costs every page view heap (test/bench/README.md, "Figures behind design choices").
  script?.src.replace(/[^/?#]*([?#].*)?$/, ''),
)

;(window as unknown as { Consentry: typeof api }).Consentry = api

// A config that cannot be read fails closed at once, as an invalid one does: no check to fetch
// for a stand-in config, and no decision stored under one.
const fail = (what: string, error: unknown) => void api.failClosed(`could not read the config from ${what}: ${(error as Error).message}.`)

const inline = document.getElementById('consentry-config')
const url = script?.getAttribute('data-config')
if (inline) {
  try {
    // An element's textContent is a string (null only on a document or doctype).
    const config: unknown = JSON.parse(inline.textContent!)
    // Started as a microtask: it still runs before the parser goes past the tag,
    // but no longer inside the bundle's top-level function. With DevTools attached
    // (as in bench:browser), Chromium captures the stack of a document.cookie read
    // and V8 compiles source positions for every function on it: the whole bundle's
    // top level made that first read slow. From the microtask, init reads it with only
    // itself and this arrow on the stack (test/bench/README.md, "Figures behind design choices").
    // Loaded once the document is parsed (defer, a module, the after-paint loader of README,
    // "Loading modes"), nothing waits for the SDK: its start is a task of its own, so the
    // file's compile and first run and the start (decision, banner) are two shorter tasks,
    // not one long task at 4× CPU (test/bench/README.md, "Lighthouse leg").
    ;(document.readyState === 'loading' ? queueMicrotask : setTimeout)(() => api.init(config as api.Config)) // checked at run time by init
  } catch (error) {
    fail('#consentry-config', error)
  }
} else if (url) {
  fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      return response.json()
    })
    .then(api.init, (error) => fail(url, error))
}
