// The `__tcfapi` stub (docs/tcf.md, "The stub"): what must exist before any ad tag
// runs. It answers `ping` at once, queues every other command in `__tcfapi.a` for
// the CMP chunk, names this frame with a `__tcfapiLocator` iframe so tags in child
// frames can find it, and relays their postMessage calls to whatever `__tcfapi`
// is current (the stub now, the CMP once loaded).
//
// Sites inline it, so every byte counts (budget 300 B gzip, package.json): the locator
// goes into <html> at once rather than waiting for <body> (a frame anywhere in the
// document is in `window.frames`), and the code is shaped for the minifier.

export type TcfCallback = (value: unknown, success: boolean) => void
export type TcfApi = ((command: string, version?: number, callback?: TcfCallback, parameter?: unknown) => void) & { a?: unknown[][] }
type Call = { command: string; version?: number; parameter?: unknown; callId?: unknown }

export function installStub(w: Window & { __tcfapi?: TcfApi }): void {
  if (w.__tcfapi) return
  const queue: unknown[][] = []
  const stub: TcfApi = (command, version, callback, parameter) =>
    command === 'ping' ? callback?.({ cmpLoaded: false, cmpStatus: 'stub', apiVersion: '2.3' }, true) : queue.push([command, version, callback, parameter])
  stub.a = queue
  w.__tcfapi = stub
  // A hidden iframe: `hidden` instead of a style attribute keeps strict CSPs happy.
  const frame = w.document.createElement('iframe')
  frame.name = '__tcfapiLocator'
  frame.hidden = true
  w.document.documentElement.append(frame)
  // Calls from child frames (the locator's protocol); older clients post JSON text.
  w.addEventListener('message', (event) => {
    const text = typeof event.data === 'string'
    let call: Call | undefined
    try {
      call = (text ? JSON.parse(event.data) : event.data).__tcfapiCall
    } catch {}
    if (call)
      w.__tcfapi!(
        call.command,
        call.version,
        (returnValue, success) => {
          const answer = { __tcfapiReturn: { returnValue, success, callId: call.callId } }
          ;(event.source as Window).postMessage(text ? JSON.stringify(answer) : answer, '*')
        },
        call.parameter,
      )
  })
}
