import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { gvlSource } from '../../src/server/gvl.js'

const FILE = 'data/iab-tcf/vendor-list-v3-test.json'
const text = readFileSync(FILE, 'utf8')

let upstream: Server
let base = ''
const hits: string[] = []

beforeAll(async () => {
  // A local stand-in for the IAB's host: it says max-age=600, as the real one does for the list.
  upstream = createServer((req, res) => {
    hits.push(req.url ?? '')
    if (req.url === '/v3/vendor-list.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' })
      res.end(text)
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done))
  base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v3/`
})
afterAll(() => new Promise<void>((done) => upstream.close(() => done())))

describe('GET /gvl (vendor list for TCF)', () => {
  test('from an upstream: cached for exactly its max-age, then fetched again', async () => {
    let clock = 1_000_000
    const get = gvlSource({ upstream: base, now: () => clock })
    hits.length = 0
    expect((await get('vendor-list.json'))?.maxAge).toBe(600)
    clock += 599_000
    const cached = await get('vendor-list.json')
    expect(cached?.body).toBe(text)
    expect(cached?.maxAge).toBe(1)
    expect(hits).toEqual(['/v3/vendor-list.json'])
    clock += 1_000
    await get('vendor-list.json')
    expect(hits).toEqual(['/v3/vendor-list.json', '/v3/vendor-list.json'])
    expect(await get('purposes-fr.json')).toBeUndefined()
  })

  test('from a file: the list, its English texts, and nothing outside the two names', async () => {
    const get = gvlSource({ file: FILE })
    expect((await get('vendor-list.json'))?.body).toBe(text)
    const en = JSON.parse((await get('purposes-en.json'))!.body) as Record<string, unknown>
    expect(Object.keys(en)).toContain('purposes')
    expect(en.vendors).toBeUndefined()
    expect(await get('../package.json')).toBeUndefined()
    expect(await get('LICENSE')).toBeUndefined()
  })
})
