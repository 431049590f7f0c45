// The verifiable log (docs/collector.md, "Verifiable log"), on SQLite and PostgreSQL.
//
// Every proof the collector serves is checked here by a verifier written in this file from
// RFC 9162 §2.1.1 (MTH), §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), and every checkpoint
// by a C2SP signed-note check written from the note format: node:crypto only, nothing imported
// from src/, so that a mistake shared by the project's prover and its verifier cannot hide.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, createPublicKey, sign } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { audit } from '../../src/server/audit.js'
import { newPrivateKey, Integrator, checkpointPublicKeyOf, type Collector } from '../../src/server/index.js'
import { backends, type Opened } from './helpers/backends.js'
import { freshCollector } from './helpers/fresh.js'
import { verifyReceiptInclusion, type InclusionProof } from '../../src/receipts/verify.js'
import { runCli } from './helpers/collector.js'
import { Browser } from './helpers/receipts.js'

import { H, b, leafOf, mth, openCheckpoint, verifyConsistencyRfc, verifyInclusionRfc } from './helpers/rfc9162.js'

// ---- The suite ----

for (const backend of backends()) {
  describe.skipIf(!backend.available)(`verifiable log on ${backend.name}`, () => {
    beforeAll(() => backend.setup())
    afterAll(() => backend.teardown())

    /** A collector that integrates only when told (integrator.integrateNow), and its receipts in log order. */
    async function setup(): Promise<{ db: Opened; collector: Collector; integrator: Integrator; jws: string[]; add: (n: number) => Promise<void> }> {
      const { db, collector } = await freshCollector(backend, {
        integrate: false,
        logOrigin: 'test.example/consentry',
        rateLimits: false,
      })
      const integrator = new Integrator({ store: db.store, signer: collector.signer })
      const jws: string[] = []
      const add = async (n: number) => {
        const sent = Array.from({ length: n }, () => new Browser().receipt())
        const acks = await Promise.all(sent.map((r) => collector.service.submit(r)))
        acks.forEach((a, i) => (jws[a.ack.leafIndex] = sent[i]!))
      }
      return { db, collector, integrator, jws, add }
    }
    const text = async (c: Collector, path: string) => {
      const res = await c.app.request(path)
      expect(res.status, `${path}: ${res.status}`).toBe(200)
      return res.text()
    }
    const json = async (c: Collector, path: string) => JSON.parse(await text(c, path)) as { hashes: string[] }

    it('every inclusion and consistency proof of every size 1…33 verifies with an independent RFC 9162 verifier', async () => {
      const { collector, integrator, jws, add } = await setup()
      const vkey = await text(collector, '/log/key')
      const roots: Buffer[] = []
      for (let size = 1; size <= 33; size++) {
        await add(1)
        const made = await integrator.integrateNow()
        expect(made?.size).toBe(size)
        const cp = openCheckpoint(await text(collector, `/log/checkpoint?size=${size}`), vkey)
        expect(cp.origin).toBe('test.example/consentry')
        expect(cp.size).toBe(size)
        expect(cp.root.equals(mth(jws.slice(0, size).map(leafOf)))).toBe(true)
        roots[size] = cp.root
      }
      for (let size = 1; size <= 33; size++) {
        for (let index = 0; index < size; index++) {
          const proof = await json(collector, `/log/proof/inclusion?index=${index}&size=${size}`)
          expect(verifyInclusionRfc(leafOf(jws[index]!), index, size, b(proof.hashes), roots[size]!), `inclusion ${index}/${size}`).toBe(true)
          // The same proof does not vouch for another receipt, nor for another place.
          expect(verifyInclusionRfc(leafOf(jws[(index + 1) % size]!), index, size, b(proof.hashes), roots[size]!) && size > 1).toBe(false)
        }
        for (let from = 1; from <= size; from++) {
          const proof = await json(collector, `/log/proof/consistency?from=${from}&to=${size}`)
          expect(verifyConsistencyRfc(from, size, roots[from]!, roots[size]!, b(proof.hashes)), `consistency ${from}→${size}`).toBe(true)
          if (from < size) expect(verifyConsistencyRfc(from, size, roots[size]!, roots[size]!, b(proof.hashes))).toBe(false)
        }
      }
      // The newest checkpoint is the default one; the history lists them all by size.
      expect(openCheckpoint(await text(collector, '/log/checkpoint'), vkey).size).toBe(33)
      const history = JSON.parse(await text(collector, '/log/checkpoints?after=30')) as { checkpoints: { size: number }[] }
      expect(history.checkpoints.map((c) => c.size)).toEqual([31, 32, 33])
      await collector.close()
    })

    it('proofs in a tree of 1,500 leaves grown in uneven batches verify, with at most ⌈log2 n⌉ hashes', async () => {
      const { collector, integrator, jws, add } = await setup()
      const vkey = await text(collector, '/log/key')
      const sizes: number[] = []
      for (const n of [1, 2, 5, 64, 129, 300, 511, 488]) {
        await add(n)
        sizes.push((await integrator.integrateNow())!.size)
      }
      expect(sizes[sizes.length - 1]).toBe(1500)
      const leaves = jws.map(leafOf)
      const roots = new Map(sizes.map((s) => [s, mth(leaves.slice(0, s))]))
      for (const s of sizes) expect(openCheckpoint(await text(collector, `/log/checkpoint?size=${s}`), vkey).root.equals(roots.get(s)!)).toBe(true)
      for (const size of sizes) {
        for (const index of [0, 1, size >> 1, size - 2, size - 1].filter((i) => i >= 0 && i < size)) {
          const proof = await json(collector, `/log/proof/inclusion?index=${index}&size=${size}`)
          expect(proof.hashes.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)))
          expect(verifyInclusionRfc(leaves[index]!, index, size, b(proof.hashes), roots.get(size)!), `inclusion ${index}/${size}`).toBe(true)
        }
        for (const from of sizes.filter((s) => s <= size)) {
          const proof = await json(collector, `/log/proof/consistency?from=${from}&to=${size}`)
          expect(verifyConsistencyRfc(from, size, roots.get(from)!, roots.get(size)!, b(proof.hashes)), `consistency ${from}→${size}`).toBe(true)
        }
      }
      // Proofs are only served for signed sizes, and indexes inside them.
      expect((await collector.app.request('/log/proof/inclusion?index=3&size=1499')).status).toBe(400)
      expect((await collector.app.request('/log/proof/inclusion?index=1500&size=1500')).status).toBe(400)
      expect((await collector.app.request('/log/proof/consistency?from=0&to=1500')).status).toBe(400)
      const report = await audit(db(collector), { keys: [collector.key.publicJwk] }, { checkpointKeys: [checkpointPublicKeyOf(collector.key)] })
      expect(report.findings).toEqual([])
      expect(report.tree).toEqual({ size: 1500, checkpoints: sizes.length, signaturesChecked: true })
      await collector.close()
    })

    it('the 201 names the leaf, and a signed checkpoint covers it within 1 s', async () => {
      const { collector } = await freshCollector(backend, { rateLimits: false })
      const vkey = await text(collector, '/log/key')
      for (let round = 0; round < 3; round++) {
        const jws = new Browser().receipt()
        const res = await collector.app.request('/receipts', { method: 'POST', body: jws, headers: { 'content-type': 'text/plain' } })
        const acked = Date.now()
        expect(res.status).toBe(201)
        const { leafIndex, logIndex } = (await res.json()) as { leafIndex: number; logIndex: number }
        expect(leafIndex).toBe(logIndex - 1)
        let cp: { size: number; root: Buffer } | undefined
        while (!cp || cp.size <= leafIndex) {
          const r = await collector.app.request('/log/checkpoint')
          if (r.status === 200) cp = openCheckpoint(await r.text(), vkey)
          // app.request resolves within microtasks: give the collector's timers their turn.
          await new Promise((resolve) => setImmediate(resolve))
          if (Date.now() - acked > 5000) break
        }
        expect(Date.now() - acked).toBeLessThan(1000)
        const proof = await json(collector, `/log/proof/inclusion?index=${leafIndex}&size=${cp!.size}`)
        expect(verifyInclusionRfc(leafOf(jws), leafIndex, cp!.size, b(proof.hashes), cp!.root)).toBe(true)
      }
      await collector.close()
    })

    it('erasure keeps the leaf: the erased receipt is still provably in the log', async () => {
      const { collector, integrator, jws, add } = await setup()
      await add(5)
      const victim = jws[2]!
      const sub = JSON.parse(Buffer.from(victim.split('.')[1]!, 'base64url').toString()).sub as string
      const { erased } = await collector.service.erase(sub)
      expect(erased).toEqual([3])
      const cp = (await integrator.integrateNow())!
      expect(cp.size).toBe(6)
      const proof = await json(collector, `/log/proof/inclusion?index=2&size=6`)
      expect(verifyInclusionRfc(leafOf(victim), 2, 6, b(proof.hashes), Buffer.from(cp.root, 'base64'))).toBe(true)
      const report = await audit(db(collector), { keys: [collector.key.publicJwk] }, { checkpointKeys: [checkpointPublicKeyOf(collector.key)] })
      expect(report.findings).toEqual([])
      await collector.close()
    })

    describe('audit finds tampering with any stored leaf, node or checkpoint', () => {
      /** A log of 24 receipts and an erasure, checkpointed at 10, 20 and 25 leaves. */
      async function built() {
        const s = await setup()
        await s.add(10)
        await s.integrator.integrateNow()
        await s.add(10)
        await s.integrator.integrateNow()
        await s.add(4)
        const sub = JSON.parse(Buffer.from(s.jws[21]!.split('.')[1]!, 'base64url').toString()).sub as string
        await s.collector.service.erase(sub)
        await s.integrator.integrateNow()
        const run = (options: { expectCheckpoint?: string } = {}) =>
          audit(db(s.collector), { keys: [s.collector.key.publicJwk] }, { checkpointKeys: [checkpointPublicKeyOf(s.collector.key)], ...options })
        expect((await run()).findings).toEqual([])
        return { ...s, run }
      }
      const hash = (seed: string) => createHash('sha256').update(seed).digest()

      it('a changed leaf of a receipt', async () => {
        const { db, collector, run } = await built()
        await db.tamper('UPDATE log_tree SET hash = ? WHERE level = 0 AND idx = 7', [hash('x')])
        expect((await run()).findings).toContainEqual(expect.objectContaining({ logIndex: 8, kind: 'altered', detail: expect.stringContaining('leaf 7') }))
        await collector.close()
      })

      it('a changed leaf of an erased receipt (its text is gone: the signed roots catch it)', async () => {
        const { db, collector, run } = await built()
        await db.tamper('UPDATE log_tree SET hash = ? WHERE level = 0 AND idx = 21', [hash('y')])
        const { findings } = await run()
        expect(findings.some((f) => f.detail.includes('node') && f.kind === 'altered')).toBe(true)
        expect(findings.some((f) => f.detail.includes('its root is not the root'))).toBe(true)
        await collector.close()
      })

      it('a changed, a missing and an extra interior node', async () => {
        const { db, collector, run } = await built()
        await db.tamper('UPDATE log_tree SET hash = ? WHERE level = 2 AND idx = 1', [hash('z')])
        await db.tamper('DELETE FROM log_tree WHERE level = 3 AND idx = 0')
        await db.tamper('INSERT INTO log_tree (level, idx, hash) VALUES (4, 5, ?)', [hash('w')])
        const { findings } = await run()
        expect(findings).toContainEqual(expect.objectContaining({ logIndex: 5, kind: 'altered', detail: expect.stringContaining('node 2:1') }))
        expect(findings).toContainEqual(expect.objectContaining({ logIndex: 1, kind: 'removed', detail: expect.stringContaining('node 3:0') }))
        expect(findings).toContainEqual(expect.objectContaining({ kind: 'inserted', detail: expect.stringContaining('node 4:5') }))
        await collector.close()
      })

      it('a rewritten receipt text and its leaf, together', async () => {
        const { db, collector, jws, run } = await built()
        const other = new Browser().receipt()
        await db.tamper('UPDATE log_entries SET jws = ? WHERE log_index = 2', [other])
        await db.tamper('UPDATE log_tree SET hash = ? WHERE level = 0 AND idx = 1', [leafOf(other)])
        expect(jws[1]).not.toBe(other)
        const { findings } = await run()
        expect(findings.some((f) => f.logIndex === 2 && f.detail.includes('receipt text differs'))).toBe(true)
        expect(findings.some((f) => f.detail.includes('does not hash its two children'))).toBe(true)
        await collector.close()
      })

      it('a checkpoint re-signed by another key, or with another root', async () => {
        const { db, collector, run } = await built()
        const real = (await db.store.checkpoint(20))!
        const stranger = createCollectorNote(real.note)
        await db.tamper('UPDATE log_checkpoints SET note = ? WHERE tree_size = 20', [stranger])
        await db.tamper('UPDATE log_checkpoints SET root_hash = ? WHERE tree_size = 10', [hash('r').toString('base64')])
        const { findings } = await run()
        expect(findings).toContainEqual(expect.objectContaining({ logIndex: 20, kind: 'inserted', detail: expect.stringContaining('not signed by the log') }))
        expect(findings).toContainEqual(
          expect.objectContaining({ logIndex: 10, kind: 'altered', detail: expect.stringContaining('differs from its signed note') }),
        )
        await collector.close()
      })

      it("the newest entries removed with their leaves, nodes and checkpoints: a witness's checkpoint exposes it", async () => {
        const { db, collector, run } = await built()
        const kept = (await db.store.checkpoint())!.note
        await db.tamper('DELETE FROM log_checkpoints WHERE tree_size > 10')
        await db.tamper('DELETE FROM log_tree WHERE (idx + 1) * (1 << level) > 10')
        await db.tamper('DELETE FROM log_entries WHERE log_index > 10')
        expect((await run()).findings).toEqual([])
        const { findings } = await run({ expectCheckpoint: kept })
        expect(findings).toContainEqual(expect.objectContaining({ kind: 'removed', detail: expect.stringContaining('the checkpoint given covers 25 entries') }))
        await collector.close()
      })
    })

    it('the consentry/verify module (WebCrypto, as in a browser) checks a receipt against a signed checkpoint', async () => {
      const { collector, integrator, jws, add } = await setup()
      await add(6)
      await integrator.integrateNow()
      const note = await text(collector, '/log/checkpoint')
      const vkey = (await text(collector, '/log/key')).trim()
      const proof = JSON.parse(await text(collector, '/log/proof/inclusion?index=4&size=6')) as InclusionProof
      expect(await verifyReceiptInclusion(jws[4]!, proof, note, vkey)).toEqual({ ok: true })
      expect(await verifyReceiptInclusion(jws[3]!, proof, note, vkey)).toMatchObject({ ok: false, detail: expect.stringContaining('not leaf 4') })
      const forged = note.replace(/\n(\d+)\n/, '\n7\n')
      expect(await verifyReceiptInclusion(jws[4]!, { ...proof, size: 7 }, forged, vkey)).toMatchObject({
        ok: false,
        detail: expect.stringContaining('not signed'),
      })
      await collector.close()
    })

    it('export --format dpv gives ISO/IEC TS 27560 records as DPV JSON-LD, one per stored receipt', async () => {
      const { db, collector, jws, add } = await setup()
      await add(3)
      const sub = JSON.parse(Buffer.from(jws[0]!.split('.')[1]!, 'base64url').toString()).sub as string
      await collector.service.erase(sub)
      await collector.close()
      const dir = mkdtempSync(join(tmpdir(), 'consentry-dpv-'))
      try {
        const args = db.location.databaseUrl ? [] : ['--db', db.location.db!]
        const env: Record<string, string> = db.location.databaseUrl ? { DATABASE_URL: db.location.databaseUrl } : {}
        const out = runCli(['export', '--format', 'dpv', ...args], env, dir)
        expect(out.code).toBe(0)
        const doc = JSON.parse(out.stdout) as { '@context': Record<string, unknown>; '@graph': Record<string, any>[] }
        expect(doc['@context'].dpv).toBe('https://w3id.org/dpv#')
        expect(doc['@graph']).toHaveLength(2) // the erased receipt and the erasure record are left out
        const record = doc['@graph'].find((r) => r['consentry:jws'] === jws[1])!
        const claims = JSON.parse(Buffer.from(jws[1]!.split('.')[1]!, 'base64url').toString())
        expect(record).toMatchObject({
          record_id: `urn:uuid:${claims.jti}`,
          '@type': 'dpv:ConsentRecord',
          schema_version: 'ISO/IEC TS 27560:2023',
          pii_principal_id: claims.sub,
          privacy_notice: 'https://shop.example/privacy',
          language: 'en',
          pii_controllers: [{ party_name: 'Example Ltd', party_id: 'https://shop.example' }],
          'consentry:leafIndex': 1,
        })
        expect(record.purpose).toContainEqual({ purpose_name: 'advertising', consent_status: 'dpv:ConsentRefused' })
        expect(record.purpose).toContainEqual({ purpose_name: 'analytics', consent_status: 'dpv:ConsentGiven' })
        expect(record.events[0]).toMatchObject({ event_type: 'given', event_state: 'dpv:ConsentGiven' })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('consentry-collector verify checks a receipt offline against a checkpoint and its proof', async () => {
      const { collector, integrator, jws, add } = await setup()
      await add(9)
      await integrator.integrateNow()
      const dir = mkdtempSync(join(tmpdir(), 'consentry-verify-'))
      try {
        writeFileSync(join(dir, 'checkpoint'), await text(collector, '/log/checkpoint'))
        writeFileSync(join(dir, 'proof.json'), await text(collector, '/log/proof/inclusion?index=6&size=9'))
        writeFileSync(join(dir, 'receipt.jws'), jws[6]!)
        writeFileSync(join(dir, 'other.jws'), jws[5]!)
        const vkey = (await text(collector, '/log/key')).trim()
        const args = ['verify', '--checkpoint', 'checkpoint', '--proof', 'proof.json', '--log-key', vkey]
        const ok = runCli([...args, '--receipt', 'receipt.jws'], {}, dir)
        expect(ok.stdout).toContain('OK: the receipt is leaf 6')
        expect(ok.code).toBe(0)
        const wrong = runCli([...args, '--receipt', 'other.jws'], {}, dir)
        expect(wrong.code).toBe(1)
        expect(wrong.stdout).toContain('FAILED: the receipt is not leaf 6')
        const otherKey = `test.example/consentry+00000000+${Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 7)]).toString('base64')}`
        const badKey = runCli(['verify', '--checkpoint', 'checkpoint', '--proof', 'proof.json', '--receipt', 'receipt.jws', '--log-key', otherKey], {}, dir)
        expect(badKey.code).toBe(1)
      } finally {
        rmSync(dir, { recursive: true, force: true })
        await collector.close()
      }
    })
  })
}

const db = (c: Collector) => c.store

/** The same checkpoint text signed by a key that is not the log's (same origin name). */
function createCollectorNote(note: string): string {
  const text = note.slice(0, note.indexOf('\n\n') + 1)
  const origin = text.split('\n')[0]!
  const privateKey = newPrivateKey()
  const raw = Buffer.from((createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x, 'base64url')
  const id = H(Buffer.from(`${origin}\n`), Buffer.from([1]), raw).subarray(0, 4)
  return `${text}\n\u2014 ${origin} ${Buffer.concat([id, sign(null, Buffer.from(text), privateKey)]).toString('base64')}\n`
}
