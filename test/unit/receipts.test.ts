// @vitest-environment happy-dom
import 'fake-indexeddb/auto'
import { compactVerify, EmbeddedJWK } from 'jose'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { backoff, retryable } from '../../src/receipts/backoff.js'
import { buildPayload, jtiOf, nextLink, type ReceiptContext } from '../../src/receipts/build.js'
import { canonicalJson, sha256 } from '../../src/receipts/digest.js'
import { dropNote, noteDecision, noteTcString, pendingNotes, type DecisionNote } from '../../src/receipts/notes.js'
import { uuidv7 } from '../../src/receipts/uuid.js'
import { emptyState, type ConsentState } from '../../src/core/state.js'
import { resolve } from '../../src/config/resolve.js'

const note: DecisionNote = {
  id: '3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b',
  sub: 'AbCdEfGhIjKlMnOpQrStUv',
  at: 1_790_000_000_500,
  event: 'given',
  source: 'banner',
  categories: { necessary: true, analytics: true, advertising: false },
  services: { 'analytics:ga4': true },
  revision: 2,
  continued: false,
}
const context: ReceiptContext = {
  config: 'c'.repeat(43),
  texts: { lang: 'de', sha256: 't'.repeat(43) },
  gpc: false,
  origin: 'https://shop.example',
  controller: 'Example Ltd',
  policyUrl: 'https://shop.example/privacy',
  sdk: '0.1.0',
}

describe('receipt payload', () => {
  test('carries every claim of docs/receipts.md, iat in seconds, no prev on the first', () => {
    expect(buildPayload(note, context, { seq: 1 })).toEqual({
      jti: '01a0c450-6df4-7e6f-8b7a-0c1d2e3f4a5b', // 01a0c4506df4 = note.at in hex, then the note id's random bits,
      sub: note.sub,
      iat: 1_790_000_000,
      seq: 1,
      event: 'given',
      source: 'banner',
      categories: { necessary: true, analytics: true, advertising: false },
      services: { 'analytics:ga4': true },
      revision: 2,
      config: context.config,
      texts: { lang: 'de', sha256: context.texts.sha256 },
      gpc: false,
      origin: 'https://shop.example',
      controller: 'Example Ltd',
      policyUrl: 'https://shop.example/privacy',
      sdk: '0.1.0',
    })
  })

  test('gcm only when Consent Mode values are given', () => {
    expect(buildPayload(note, { ...context, gcm: { ad_storage: 'denied' } }, { seq: 1 }).gcm).toEqual({ ad_storage: 'denied' })
  })
})

describe('chain linking', () => {
  const last = { seq: 4, hash: 'h'.repeat(43), kid: 'k1' }
  test('the next receipt of a consent id is seq + 1 and points at the previous hash', () => {
    expect(nextLink(last, 'k1', true, true)).toEqual({ seq: 5, prev: last.hash })
  })
  test('a new key starts again at 1 and says the old one was lost', () => {
    expect(nextLink(last, 'k2', true, true)).toEqual({ seq: 1, reset: 'key-lost' })
    expect(nextLink(undefined, 'k2', true, true)).toEqual({ seq: 1, reset: 'key-lost' })
  })
  test('a brand-new consent id starts at 1 with no reset; without storage the receipt says so', () => {
    expect(nextLink(undefined, 'k1', false, true)).toEqual({ seq: 1 })
    expect(nextLink(undefined, 'k1', false, false)).toEqual({ seq: 1, reset: 'no-storage' })
  })
})

describe('canonical config hashing', () => {
  test('key order does not change the hash; values do', async () => {
    const a = { revision: 1, categories: { analytics: { services: { ga4: { cookies: ['_ga'] } } }, necessary: {} } }
    const b = { categories: { necessary: {}, analytics: { services: { ga4: { cookies: ['_ga'] } } } }, revision: 1 }
    expect(canonicalJson(a)).toBe(canonicalJson(b))
    expect(await sha256(canonicalJson(a))).toBe(await sha256(canonicalJson(b)))
    expect(await sha256(canonicalJson({ ...a, revision: 2 }))).not.toBe(await sha256(canonicalJson(a)))
  })
  test('is RFC 8785 for config-shaped JSON: sorted keys, no whitespace, arrays in order', () => {
    expect(canonicalJson({ b: [3, 1, { z: true, a: null }], a: 'é"' })).toBe('{"a":"é\\"","b":[3,1,{"a":null,"z":true}]}')
  })
})

describe('retry policy', () => {
  test('backs off exponentially from 2 s to a 10 minute cap, with ±50 % jitter', () => {
    expect([1, 2, 3, 4].map((n) => backoff(n, 0.5))).toEqual([2000, 4000, 8000, 16000])
    expect(backoff(30, 0.5)).toBe(600_000)
    expect(backoff(1, 0)).toBe(1000)
    expect(backoff(1, 0.999)).toBeLessThan(3000)
  })
  test('retries outages and rate limits, not refusals', () => {
    expect([0, 408, 429, 500, 503].every(retryable)).toBe(true)
    expect([400, 401, 413, 415, 422].some(retryable)).toBe(false)
  })
})

describe('uuidv7', () => {
  test('from a note: deterministic, so a rebuilt receipt keeps its id', () => {
    expect(jtiOf(note)).toBe(jtiOf({ ...note }))
    expect(jtiOf(note)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(jtiOf({ ...note, id: crypto.randomUUID() })).not.toBe(jtiOf(note))
  })

  test('is a version 7 UUID that sorts by time', () => {
    const a = uuidv7(1_700_000_000_000)
    const b = uuidv7(1_700_000_000_001)
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a < b).toBe(true)
    expect(a.slice(0, 13)).toBe('018bcfe5-6800')
  })
})

describe('decision notes', () => {
  beforeEach(() => localStorage.clear())
  const state = (over: Partial<ConsentState>): ConsentState => ({ ...emptyState(), id: 'AbCdEfGhIjKlMnOpQrStUv', decided: true, ...over })

  test('are written synchronously with the decision and survive until dropped', () => {
    noteDecision({ state: state({}), previous: emptyState(), event: 'given', source: 'banner' })
    const [first] = pendingNotes()
    expect(first).toMatchObject({ sub: 'AbCdEfGhIjKlMnOpQrStUv', event: 'given', continued: false })
    noteDecision({ state: state({}), previous: state({}), event: 'withdrawn', source: 'preferences' })
    expect(pendingNotes().map((n) => [n.event, n.continued])).toEqual([
      ['given', false],
      ['withdrawn', true],
    ])
    dropNote(first.id)
    expect(pendingNotes().map((n) => n.event)).toEqual(['withdrawn'])
  })

  test('corrupt stored notes are skipped, not thrown', () => {
    localStorage.setItem('consentry:decisions', '[{"id":1},null,"x",{"id":"a","sub":"b"}]')
    expect(pendingNotes()).toEqual([{ id: 'a', sub: 'b' }])
    localStorage.setItem('consentry:decisions', '{not json')
    expect(() => pendingNotes()).not.toThrow()
  })
})

describe('outbox', () => {
  const config = { receipts: { endpoint: 'https://collector.example/receipts' } }
  let fetchMock: ReturnType<typeof vi.fn>

  beforeEach(async () => {
    localStorage.clear()
    vi.resetModules()
    indexedDB.deleteDatabase('consentry')
    fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  async function start() {
    const { startReceipts } = await import('../../src/receipts/client.js')
    // A visitor in France under the default opt-in mode (the claims `mode` and `region`).
    return startReceipts({ config: resolve(config, true, 'fr'), texts: () => ({ lang: 'en', texts: {} }), sdk: 'test' })
  }
  const decide = (event: 'given' | 'updated' = 'given') =>
    noteDecision({ state: { ...emptyState(), id: 'AbCdEfGhIjKlMnOpQrStUv', decided: true }, previous: emptyState(), event, source: 'api' })
  const answer = (status: number) => ({ status, text: async () => (status < 300 ? '{"logIndex":7}' : 'down') })

  test('stop(), which destroy() calls, removes every listener it added and its timers', async () => {
    const added: { type: string; signal?: AbortSignal }[] = []
    for (const target of [window, document]) {
      const original = target.addEventListener.bind(target)
      vi.spyOn(target, 'addEventListener').mockImplementation(
        (type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) => {
          added.push({ type, signal: typeof options === 'object' ? options.signal : undefined })
          original(type, listener, options)
        },
      )
    }
    const receipts = await start()
    expect(added.map((a) => a.type).sort()).toEqual(['online', 'pagehide', 'visibilitychange'])
    expect(added.every((a) => a.signal && !a.signal.aborted)).toBe(true)
    receipts.stop()
    expect(added.every((a) => a.signal?.aborted)).toBe(true)
    vi.restoreAllMocks()
  })

  test('keeps a receipt until a 2xx, retrying with backoff', async () => {
    fetchMock.mockResolvedValueOnce(answer(503)).mockResolvedValueOnce(answer(503)).mockResolvedValue(answer(201))
    const receipts = await start()
    decide()
    await receipts.record()
    expect(fetchMock).toHaveBeenCalledTimes(1)
    let [entry] = await receipts.list()
    expect(entry).toMatchObject({ status: 'pending', attempts: 1 })
    expect(entry.nextAt).toBeGreaterThan(Date.now())
    await receipts.flush() // too early: backoff holds it back
    expect(fetchMock).toHaveBeenCalledTimes(1)
    // Time passes (the stored nextAt moves into the past): the next flush retries.
    const { put } = await import('../../src/receipts/idb.js')
    await put('receipts', { ...entry, nextAt: 0 })
    await receipts.flush()
    ;[entry] = await receipts.list()
    expect(entry).toMatchObject({ status: 'pending', attempts: 2 })
    await put('receipts', { ...entry, nextAt: 0 })
    await receipts.flush()
    ;[entry] = await receipts.list()
    expect(entry).toMatchObject({ status: 'sent', ack: { logIndex: 7 } })
    expect(fetchMock).toHaveBeenCalledTimes(3)
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('https://collector.example/receipts')
    expect(init).toMatchObject({ method: 'POST', keepalive: true, headers: { 'content-type': 'text/plain;charset=UTF-8' } })
    const { payload } = await compactVerify(init.body, EmbeddedJWK)
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ seq: 1, event: 'given', source: 'api', mode: 'opt-in', region: 'FR' })
  })

  test('fetches the inclusion proof of a delivered receipt once a checkpoint covers it; the history carries it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const checkpoint = 'shop.example/consentry\n8\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 shop.example/consentry AAAAAA==\n'
    const inclusion = { index: 6, size: 8, hashes: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='] }
    fetchMock.mockImplementation(async (url: string) => {
      if (url === 'https://collector.example/receipts') return { status: 201, text: async () => '{"logIndex":7,"leafIndex":6}' }
      if (url === 'https://collector.example/log/checkpoint') return { status: 200, text: async () => checkpoint }
      if (url === 'https://collector.example/log/proof/inclusion?index=6&size=8') return { status: 200, json: async () => inclusion }
      return { status: 404, text: async () => '' }
    })
    const receipts = await start()
    decide()
    await receipts.record()
    expect((await receipts.list())[0]).toMatchObject({ status: 'sent', ack: { leafIndex: 6 } })
    expect((await receipts.list())[0]!.proof).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1500)
    await vi.waitFor(async () => expect((await receipts.list())[0]!.proof).toEqual({ checkpoint, inclusion }))
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual([
      'https://collector.example/receipts',
      'https://collector.example/log/checkpoint',
      'https://collector.example/log/proof/inclusion?index=6&size=8',
    ])
  })

  test('schedules the retry on a timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    fetchMock.mockResolvedValueOnce(answer(503)).mockResolvedValue(answer(201))
    const receipts = await start()
    decide()
    await receipts.record()
    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [entry] = await receipts.list()
    vi.setSystemTime(entry.nextAt + 1)
    await vi.runOnlyPendingTimersAsync()
    await vi.waitFor(async () => expect((await receipts.list())[0].status).toBe('sent'))
  })

  test('a refusal (4xx) is kept as rejected and reported, not retried forever', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    fetchMock.mockResolvedValue(answer(422))
    const receipts = await start()
    decide()
    await receipts.record()
    const [entry] = await receipts.list()
    expect(entry).toMatchObject({ status: 'rejected', error: 'HTTP 422: down' })
    expect(String(error.mock.calls[0][0])).toContain('refused receipt')
    error.mockRestore()
  })

  test('corrupt outbox entries are skipped and reported', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    fetchMock.mockResolvedValue(answer(201))
    const { put } = await import('../../src/receipts/idb.js')
    await put('receipts', { jti: 'broken', jws: 42 })
    const receipts = await start()
    decide()
    await receipts.record()
    const list = await receipts.list()
    expect(list.map((r) => r.status)).toEqual(['sent'])
    expect(String(warn.mock.calls[0][0])).toContain('unreadable receipt')
    warn.mockRestore()
  })

  test('a decision held for its TC string is not signed before tcfDue; after it, it goes without one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    fetchMock.mockResolvedValue(answer(201))
    const receipts = await start()
    decide()
    const [note] = pendingNotes()
    expect(noteTcString(note!.sub, note!.at, undefined, Date.now() + 10_000)).toBe(true)
    await receipts.record()
    expect(await receipts.list()).toEqual([])
    expect(pendingNotes()).toHaveLength(1)
    // The TCF chunk calls record() again when the wait is over.
    vi.setSystemTime(Date.now() + 10_000)
    await receipts.record()
    expect((await receipts.list()).map((r) => [r.seq, r.status])).toEqual([[1, 'sent']])
    const { payload } = await compactVerify(fetchMock.mock.calls[0]![1].body, EmbeddedJWK)
    expect(JSON.parse(new TextDecoder().decode(payload)).tcf).toBeUndefined()
  })

  test("the TCF claims handed over in time are the receipt's tcf and addtlConsent claims; once signed, the note is gone and a late hand-over says so", async () => {
    fetchMock.mockResolvedValue(answer(201))
    const receipts = await start()
    decide()
    const [note] = pendingNotes()
    const tc = 'CQuzncAQuzncAEsABBENAHEgAAAAAAAAAAYgAAAAAAAA.IF5wAwAEAAVAXmAA'
    // Only a note of this decision (made in or after its second) takes it.
    expect(noteTcString(note!.sub, note!.at + 1000, { tcf: tc })).toBe(false)
    expect(noteTcString(note!.sub, Math.floor(note!.at / 1000) * 1000, { tcf: tc, addtlConsent: '2~89~dv.1301' })).toBe(true)
    await receipts.record()
    const { payload } = await compactVerify(fetchMock.mock.calls[0]![1].body, EmbeddedJWK)
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ tcf: tc, addtlConsent: '2~89~dv.1301' })
    expect(noteTcString(note!.sub, note!.at, { tcf: tc })).toBe(false)
  })

  test('a decision noted twice makes one receipt (the jti is fixed at decision time)', async () => {
    fetchMock.mockResolvedValue(answer(201))
    const receipts = await start()
    decide()
    const copy = pendingNotes()
    await receipts.record()
    localStorage.setItem('consentry:decisions', JSON.stringify(copy)) // as if the tab died before dropping it
    await receipts.record()
    expect((await receipts.list()).length).toBe(1)
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })
})
