// The CMP side of `__tcfapi` (docs/tcf.md, "The API"): ping, addEventListener,
// removeEventListener and getTCData, answering from the current TC state, and the
// locator protocol's relay for calls posted by child frames. The stub's queue (calls
// and frame messages) is replayed in order once this takes over.

import type { TcfApi, TcfCallback } from './stub.js'

type FrameCall = { command: string; version?: number; parameter?: unknown; callId?: unknown }

type EventStatus = 'tcloaded' | 'cmpuishown' | 'useractioncomplete'

/** What TCData says beyond the per-listener fields; built by the CMP for each status. */
export type TcBody = Record<string, unknown> & { tcString: string }

export interface Cmp {
  /** The `__tcfapi` function this CMP answers with. */
  api: TcfApi
  /** Tells every listener about a new status (and answers waiting getTCData calls). */
  update(status: EventStatus, body: TcBody): void
  displayStatus(visible: boolean): void
  /** Stops answering child frames (another CMP takes over this window). */
  detach(): void
}

export function takeOver(
  w: Window & { __tcfapi?: TcfApi },
  base: { cmpId: number; cmpVersion: number; gdprApplies: boolean },
  gvl: () => { vendorListVersion: number; tcfPolicyVersion: number } | undefined,
): Cmp {
  const queued = w.__tcfapi?.a ?? []
  let status: EventStatus | undefined
  let body: TcBody | undefined
  let visible = false
  let nextId = 1
  const listeners = new Map<number, TcfCallback>()
  const waiting: TcfCallback[] = []

  const tcData = (listenerId?: number) => ({
    ...base,
    ...body,
    eventStatus: status,
    cmpStatus: 'loaded',
    isServiceSpecific: true,
    useNonStandardTexts: false,
    purposeOneTreatment: false,
    listenerId,
  })

  const api: TcfApi = (command, _version, callback, parameter) => {
    if (typeof callback !== 'function') return
    switch (command) {
      case 'ping':
        return callback(
          {
            gdprApplies: base.gdprApplies,
            cmpLoaded: true,
            cmpStatus: 'loaded',
            displayStatus: visible ? 'visible' : 'hidden',
            apiVersion: '2.3',
            cmpId: base.cmpId,
            cmpVersion: base.cmpVersion,
            gvlVersion: gvl()?.vendorListVersion,
            tcfPolicyVersion: gvl()?.tcfPolicyVersion,
          },
          true,
        )
      case 'addEventListener': {
        const id = nextId++
        listeners.set(id, callback)
        if (status) callback(tcData(id), true)
        return
      }
      case 'removeEventListener':
        return callback(listeners.delete(parameter as number), true)
      case 'getTCData':
        // Kept for callers written before TCF 2.2 deprecated it; answers once a status exists.
        if (status) return callback(tcData(), true)
        waiting.push(callback)
        return
      default:
        callback(null, false)
    }
  }
  // A child frame's call (the locator's protocol); older clients post JSON text and get it back.
  const relay = (event: MessageEvent) => {
    const text = typeof event.data === 'string'
    let call: FrameCall | undefined
    try {
      call = (text ? JSON.parse(event.data) : event.data)?.__tcfapiCall
    } catch {
      return
    }
    if (call)
      api(
        call.command,
        call.version,
        (returnValue, success) => {
          const answer = { __tcfapiReturn: { returnValue, success, callId: call.callId } }
          ;(event.source as Window | null)?.postMessage(text ? JSON.stringify(answer) : answer, '*')
        },
        call.parameter,
      )
  }
  const stub = w.__tcfapi
  if (stub?.l) w.removeEventListener('message', stub.l)
  w.addEventListener('message', relay)
  w.__tcfapi = api
  for (const item of queued) Array.isArray(item) ? api(...item) : relay(item)

  return {
    api,
    update(next, nextBody) {
      status = next
      body = nextBody
      for (const callback of waiting.splice(0)) callback(tcData(), true)
      for (const [id, callback] of listeners) {
        try {
          callback(tcData(id), true)
        } catch (error) {
          // One vendor's failing listener must not keep the others from hearing.
          reportError(error)
        }
      }
    },
    displayStatus(next) {
      visible = next
    },
    detach: () => w.removeEventListener('message', relay),
  }
}
