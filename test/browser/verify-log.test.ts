// consentry/verify in real Chromium: a receipt's inclusion proof and checkpoint, made by a real
// collector (SQLite), check out with WebCrypto (SHA-256, Ed25519); another receipt does not.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { collectorKeyFrom, newPrivateKey, createCollector, sqliteRepository } from '../../src/server/index.js'
import { Browser } from '../server/helpers/receipts.js'
import { site, useChromium } from './harness.js'

const dir = mkdtempSync(join(tmpdir(), 'consentry-verify-log-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function evidence() {
  const collector = await createCollector({
    store: await sqliteRepository(join(dir, 'log.db')),
    key: collectorKeyFrom(newPrivateKey()),
    integrate: false,
    logOrigin: 'shop.example/consentry',
    rateLimits: false,
  })
  const receipts = Array.from({ length: 5 }, () => new Browser().receipt())
  for (const jws of receipts) await collector.service.submit(jws)
  const { Integrator } = await import('../../src/server/integrator.js')
  await new Integrator({ store: collector.store, signer: collector.signer }).integrateNow()
  const text = async (path: string) => (await collector.app.request(path)).text()
  const data = {
    receipts,
    note: await text('/log/checkpoint'),
    vkey: (await text('/log/key')).trim(),
    proof: JSON.parse(await text('/log/proof/inclusion?index=3&size=5')),
  }
  await collector.close()
  return data
}

const session = useChromium(async () => {
  const data = await evidence()
  const script = `import { verifyReceiptInclusion } from '/dist/verify.mjs'
    const d = ${JSON.stringify(data)}
    window.results = [
      await verifyReceiptInclusion(d.receipts[3], d.proof, d.note, d.vkey),
      await verifyReceiptInclusion(d.receipts[2], d.proof, d.note, d.vkey),
      await verifyReceiptInclusion(d.receipts[3], d.proof, d.note.replace('shop.example/consentry\\n5', 'shop.example/consentry\\n6'), d.vkey),
    ]`
  return site({ '/': `<!doctype html><title>verify</title><script type="module">${script}</script>` })
})

test('verifyReceiptInclusion checks a receipt against a signed checkpoint in Chromium', async () => {
  await session.page.goto(session.server.url)
  const results = await session.page.waitForFunction(() => (window as unknown as { results?: unknown }).results).then((h) => h.jsonValue())
  expect(results).toEqual([
    { ok: true },
    { ok: false, detail: 'the receipt is not leaf 3 of the tree this checkpoint signs' },
    { ok: false, detail: 'the checkpoint is not signed by the given log key' },
  ])
  expect(session.errors).toEqual([])
})
