// The `__tcfapi` stub (docs/tcf.md, "The stub"): what must exist before any ad tag
// runs. It answers `ping` at once, queues every other command in `__tcfapi.a` for
// the CMP chunk, names this frame with a `__tcfapiLocator` iframe so tags in child
// frames can find it, and relays their postMessage calls to whatever `__tcfapi`
// is current (the stub now, the CMP once loaded). Kept tiny: sites inline it.

export type TcfCallback = (value: unknown, success: boolean) => void
export type TcfApi = ((command: string, version?: number, callback?: TcfCallback, parameter?: unknown) => void) & { a?: unknown[][] }
type Call = { command: string; version?: number; parameter?: unknown; callId?: unknown }

export function installStub(w: Window & { __tcfapi?: TcfApi }): void {
  if (w.__tcfapi) return
  const queue: unknown[][] = []
  const stub: TcfApi = (command, version, callback, parameter) => {
    if (command === 'ping') callback?.({ cmpLoaded: false, cmpStatus: 'stub', apiVersion: '2.3' }, true)
    else queue.push([command, version, callback, parameter])
  }
  stub.a = queue
  w.__tcfapi = stub
  const d = w.document
  const frame = () => {
    // A hidden iframe, named, in this frame: `hidden` instead of a style attribute keeps strict CSPs happy.
    if (!w.frames['__tcfapiLocator' as never]) {
      const f = d.createElement('iframe')
      f.name = '__tcfapiLocator'
      f.hidden = true
      d.body.append(f)
    }
  }
  if (d.body) frame()
  else d.addEventListener('DOMContentLoaded', frame)
  // Calls from child frames (the locator's protocol); older clients post JSON text.
  w.addEventListener('message', (event) => {
    const text = typeof event.data === 'string'
    let call: Call | undefined
    try {
      call = (text ? JSON.parse(event.data) : event.data)?.__tcfapiCall
    } catch {
      return
    }
    if (call)
      w.__tcfapi!(
        call.command,
        call.version,
        (returnValue, success) => {
          const answer = { __tcfapiReturn: { returnValue, success, callId: call.callId } }
          ;(event.source as Window | null)?.postMessage(text ? JSON.stringify(answer) : answer, '*')
        },
        call.parameter,
      )
  })
}
