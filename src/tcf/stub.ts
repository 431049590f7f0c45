// The `__tcfapi` stub (docs/tcf.md, "The stub"): what must exist before any ad tag
// runs. It answers `ping` at once, names this frame with a `__tcfapiLocator` iframe so
// tags in child frames can find it, and keeps every other call, and every call posted
// by a child frame, in `__tcfapi.a` for the CMP chunk (api.ts), which answers them in
// order when it takes over and relays frame calls from then on.
//
// Sites inline it, so every byte counts (budget 300 B gzip, package.json): the locator
// goes into <html> at once instead of waiting for <body> (a frame anywhere in the
// document is in `window.frames`), and parsing and answering frame calls is left to
// the CMP chunk.

export type TcfCallback = (value: unknown, success: boolean) => void
/** What the stub keeps for the CMP: a call's arguments, or a child frame's message. */
type Queued = Parameters<TcfApi> | MessageEvent
export type TcfApi = ((command: string, version?: number, callback?: TcfCallback, parameter?: unknown) => void) & {
  /** Calls and frame messages waiting for the CMP. */
  a?: Queued[]
  /** The stub's message listener, removed by the CMP when it takes over. */
  l?: (event: MessageEvent) => void
}

export function installStub(w: Window & { __tcfapi?: TcfApi }): void {
  if (w.__tcfapi) return
  const queue: Queued[] = []
  const stub: TcfApi = (command, version, callback, parameter) =>
    command === 'ping' ? callback?.({ cmpLoaded: false, cmpStatus: 'stub', apiVersion: '2.3' }, true) : queue.push([command, version, callback, parameter])
  stub.a = queue
  // Only the locator protocol's messages (an object, or JSON text from older clients).
  stub.l = (event) => (event.data?.__tcfapiCall || /__tcfapiCall/.test(event.data)) && queue.push(event)
  w.__tcfapi = stub
  // A hidden iframe: `hidden` instead of a style attribute keeps strict CSPs happy.
  const frame = w.document.createElement('iframe')
  frame.name = '__tcfapiLocator'
  frame.hidden = true
  w.document.documentElement.append(frame)
  w.addEventListener('message', stub.l)
}
