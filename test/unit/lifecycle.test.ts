// What a running SDK holds on the page, and that destroy() (which init() calls before starting
// again) gives all of it back: an app that re-initialises on every route must not pile up
// listeners, timers or observers.
import Cookies from 'js-cookie'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { createEmitter } from '../../src/core/emitter.js'
import { $consent } from '../../src/core/state.js'
import { type Events, start } from '../../src/instance.js'
import { $view } from '../../src/ui/view.js'

const config = {
  categories: { necessary: { required: true }, functional: { services: { video: {} } }, analytics: { services: { ga4: {} } } },
  receipts: { endpoint: 'https://collector.example/receipts' },
  google: { consentMode: true },
}

/** Every event listener and mutation observer the page has active right now (timers: vi.getTimerCount()). */
const held = {
  listeners: [] as { target: EventTarget; type: string; fn: unknown; capture: boolean }[],
  observers: new Set<MutationObserver>(),
}
const capture = (options?: boolean | EventListenerOptions) => (typeof options === 'boolean' ? options : !!options?.capture)
const find = (target: EventTarget, type: string, fn: unknown, options?: boolean | EventListenerOptions) =>
  held.listeners.findIndex((l) => l.target === target && l.type === type && l.fn === fn && l.capture === capture(options))

/** Where the DOM's addEventListener lives (the global EventTarget may be Node's own, not the DOM's). */
function owners(): EventTarget[] {
  let proto: object = document
  while (!Object.hasOwn(proto, 'addEventListener')) proto = Object.getPrototypeOf(proto)
  return [proto as EventTarget, window]
}

function track() {
  const [proto] = owners()
  const listen = proto!.addEventListener
  for (const owner of owners()) {
    const add = owner.addEventListener
    const remove = owner.removeEventListener
    vi.spyOn(owner, 'addEventListener').mockImplementation(function (this: EventTarget, type, fn, options) {
      const target = owner === window ? window : this
      if (fn && find(target, type, fn, options) < 0) {
        const entry = { target, type, fn, capture: capture(options) }
        held.listeners.push(entry)
        if (typeof options === 'object') if (options.signal) listen.call(options.signal, 'abort', () => held.listeners.splice(held.listeners.indexOf(entry), 1))
      }
      add.call(target, type, fn, options)
    })
    vi.spyOn(owner, 'removeEventListener').mockImplementation(function (this: EventTarget, type, fn, options) {
      const target = owner === window ? window : this
      const at = find(target, type, fn, options)
      if (at >= 0) held.listeners.splice(at, 1)
      remove.call(target, type, fn, options)
    })
  }
  const Native = MutationObserver
  vi.stubGlobal(
    'MutationObserver',
    class extends Native {
      override observe(target: Node, options?: MutationObserverInit) {
        held.observers.add(this)
        super.observe(target, options)
      }
      override disconnect() {
        held.observers.delete(this)
        super.disconnect()
      }
    },
  )
}

/** A counted picture of what is held: listeners by type, timers, observers, store listeners, nodes. */
const picture = () => ({
  // A listener on a node taken out of the page goes with the node, a signal's own with the signal.
  listeners: held.listeners
    .filter((l) => !('aborted' in l.target) && (!('isConnected' in l.target) || l.target.isConnected))
    .map((l) => l.type)
    .sort(),
  timers: vi.getTimerCount(),
  observers: held.observers.size,
  storeListeners: [$consent.lc, $view.lc],
  body: document.body.innerHTML,
})

beforeEach(() => {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
  // A visitor who decided on an earlier page view (no banner): gated markup and an embed on the page.
  document.body.innerHTML = '<iframe data-category="functional:video" data-src="https://video.example/1"></iframe><a data-consentry="preferences">Cookies</a>'
  vi.stubGlobal(
    'fetch',
    vi.fn(() => new Promise<Response>(() => {})),
  )
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

test('init → destroy → init → destroy: every listener, timer, observer, store subscription and node a run added is gone', async () => {
  const emitter = createEmitter<Events>()
  // A decided visitor: functional is off, so the embed is held behind a placeholder.
  const first = start(config, '', emitter)
  await first.ready
  first.decide({ functional: false, analytics: true }, 'api')
  first.destroy()
  const cookies = document.cookie

  // Timers are held, not run: a slow machine must not pass the test by letting them fire.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  track()
  const before = picture()
  // The first run, destroyed, left nothing subscribed to the stores either.
  expect(before.storeListeners).toEqual([0, 0])
  for (let run = 0; run < 2; run++) {
    const instance = start(config, cookies, emitter)
    // The page is parsed: the banner comes in a task of its own (src/ui/body.ts), a zero-delay timer.
    await vi.advanceTimersByTimeAsync(0)
    await instance.ready
    // The receipts client and the placeholders are lazy: make them start, then see them held.
    await instance.receipts()
    await vi.waitFor(() => expect(document.querySelector('iframe')!.hidden).toBe(true))
    const running = picture()
    expect(running.listeners).toEqual(expect.arrayContaining(['click', 'online', 'pagehide', 'visibilitychange']))
    expect(running.timers).toBeGreaterThan(0)
    expect(running.observers).toBeGreaterThan(before.observers)
    expect(running.storeListeners[0]).toBeGreaterThan(before.storeListeners[0])
    instance.destroy()
    // The receipts client (loaded: its promise has settled) stops in the next microtask.
    await new Promise<void>((resolve) => queueMicrotask(resolve))
    expect(picture()).toEqual(before)
  }
})

test('with auto-blocking, destroy() also stops its consent listener and its parser observer', async () => {
  const blocking = {
    autoBlock: true,
    categories: { necessary: { required: true }, analytics: { services: { ga4: { domains: ['analytics.example'] } } } },
  }
  const emitter = createEmitter<Events>()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  track()
  // Before any start. The patches the first start installs stay for the page's life
  // (autoblock.ts says why); they hold no listener, observer or timer.
  const before = picture()
  for (let run = 0; run < 2; run++) {
    const instance = start(blocking, '', emitter)
    await vi.advanceTimersByTimeAsync(0)
    await instance.ready
    const running = picture()
    expect(running.observers).toBeGreaterThan(before.observers)
    expect(running.storeListeners[0]).toBeGreaterThan(before.storeListeners[0])
    // Auto-blocking holds a script for a service's host while it runs…
    const held = document.createElement('script')
    held.src = 'https://cdn.analytics.example/a.js'
    expect(held.type).toBe('text/plain')
    instance.destroy()
    // The placeholders' part (loaded, since the gate held the embed) stops in the next microtask.
    await new Promise<void>((resolve) => queueMicrotask(resolve))
    expect(picture()).toEqual(before)
  }
  // …and, destroyed, still lets nothing through that consent does not allow.
  const after = document.createElement('script')
  after.src = 'https://cdn.analytics.example/b.js'
  expect(after.type).toBe('text/plain')
})
