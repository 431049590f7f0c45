// Witness cosignatures (docs/collector.md, "Witnesses"), on SQLite and PostgreSQL.
//
// The witness here is written in this file from C2SP tlog-cosignature (Ed25519 cosignature/v1)
// with node:crypto only: key id = SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[:4], a signature line
// base64(key id ‖ u64 timestamp ‖ signature) over "cosignature/v1\ntime T\n" + the checkpoint's
// text. Nothing is imported from src/ for it, so a mistake shared by the collector's checker
// and a witness made from the same code cannot hide.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { createCollector, collectorKeyFrom, newPrivateKey, Integrator, type Collector } from '../../src/server/index.js'
import { backends } from './helpers/backends.js'
import { freshCollector } from './helpers/fresh.js'
import { openCheckpoint } from './helpers/rfc9162.js'
import { Browser } from './helpers/receipts.js'
import { verifyReceiptInclusion, type InclusionProof } from '../../src/receipts/verify.js'

class Witness {
  readonly publicKey: KeyObject
  private readonly privateKey: KeyObject
  readonly raw: Buffer
  constructor(readonly name: string) {
    const pair = generateKeyPairSync('ed25519')
    this.publicKey = pair.publicKey
    this.privateKey = pair.privateKey
    this.raw = Buffer.from((pair.publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url')
  }
  get keyId(): Buffer {
    return createHash('sha256')
      .update(`${this.name}\n`)
      .update(Buffer.from([4]))
      .update(this.raw)
      .digest()
      .subarray(0, 4)
  }
  get vkey(): string {
    return `${this.name}+${this.keyId.toString('hex')}+${Buffer.concat([Buffer.from([4]), this.raw]).toString('base64')}`
  }
  /** The checkpoint with this witness's signature line added. */
  cosign(note: string, time = Math.floor(Date.now() / 1000)): string {
    const text = note.slice(0, note.indexOf('\n\n') + 1)
    const stamp = Buffer.alloc(8)
    stamp.writeBigUInt64BE(BigInt(time))
    const signature = sign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), this.privateKey)
    return `${note}\u2014 ${this.name} ${Buffer.concat([this.keyId, stamp, signature]).toString('base64')}\n`
  }
  /** True when `note` carries this witness's valid cosignature. */
  signed(note: string): boolean {
    const text = note.slice(0, note.indexOf('\n\n') + 1)
    return note
      .slice(note.indexOf('\n\n') + 2)
      .split('\n')
      .filter((l) => l.startsWith(`\u2014 ${this.name} `))
      .some((l) => {
        const bytes = Buffer.from(l.split(' ')[2]!, 'base64')
        const time = bytes.readBigUInt64BE(4)
        return bytes.subarray(0, 4).equals(this.keyId) && verify(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), this.publicKey, bytes.subarray(12))
      })
  }
}

for (const backend of backends()) {
  describe.skipIf(!backend.available)(`witness cosignatures on ${backend.name}`, () => {
    beforeAll(() => backend.setup())
    afterAll(() => backend.teardown())

    const alice = new Witness('witness.example/alice')
    const bob = new Witness('witness.example/bob')

    /** A collector that trusts `witnesses`, with one checkpoint of 3 receipts. */
    async function setup(witnesses: Witness[]) {
      const key = collectorKeyFrom(newPrivateKey())
      const opened = await freshCollector(backend, {
        key,
        integrate: false,
        logOrigin: 'test.example/consentry',
        rateLimits: false,
        witnessKeys: witnesses.map((w) => w.vkey),
      })
      const { collector } = opened
      const jws = Array.from({ length: 3 }, () => new Browser().receipt())
      for (const r of jws) await collector.service.submit(r)
      await new Integrator({ store: opened.db.store, signer: collector.signer }).integrateNow()
      const note = await (await collector.app.request('/log/checkpoint')).text()
      const vkey = await (await collector.app.request('/log/key')).text()
      return { ...opened, key, note, vkey, jws }
    }
    const post = (c: Collector, body: string) => c.app.request('/log/cosignature', { method: 'POST', body, headers: { 'content-type': 'text/plain' } })

    it("keeps a configured witness's cosignature and serves it under the checkpoint, also after a restart", async () => {
      const { db, collector, key, note, vkey, jws } = await setup([alice, bob])
      const res = await post(collector, alice.cosign(note))
      expect(res.status).toBe(201)
      expect(await res.json()).toMatchObject({ size: 3, witnesses: ['witness.example/alice'] })
      const served = await (await collector.app.request('/log/checkpoint')).text()
      expect(alice.signed(served)).toBe(true)
      expect(bob.signed(served)).toBe(false)
      // The log's own signature still checks, and the text is unchanged.
      expect(openCheckpoint(served, vkey).size).toBe(3)
      expect(served.startsWith(note)).toBe(true)
      expect(alice.signed(await (await collector.app.request('/log/checkpoint?size=3')).text())).toBe(true)
      // The history serves each note as the checkpoint route does: a witness catching up sees who cosigned.
      const history = (await (await collector.app.request('/log/checkpoints')).json()) as { checkpoints: { size: number; note: string }[] }
      expect(history.checkpoints.map((c) => c.size)).toEqual([3])
      expect(history.checkpoints[0]!.note).toBe(served)
      // A visitor's verifier (consentry/verify) still takes the cosigned checkpoint.
      const proof = await (await collector.app.request('/log/proof/inclusion?index=1&size=3')).json()
      expect(await verifyReceiptInclusion(jws[1]!, proof as InclusionProof, served, vkey)).toEqual({ ok: true })
      // Bob signs the note that already carries Alice's line: both are kept, once each.
      expect((await post(collector, bob.cosign(served))).status).toBe(201)
      expect((await post(collector, alice.cosign(note))).status).toBe(201)
      await collector.close()
      const again = await createCollector({
        store: await db.reopen(),
        key,
        integrate: false,
        logOrigin: 'test.example/consentry',
        witnessKeys: [alice.vkey, bob.vkey],
      })
      const after = await (await again.app.request('/log/checkpoint')).text()
      expect(alice.signed(after) && bob.signed(after)).toBe(true)
      expect(after.split('\n').filter((l) => l.startsWith('\u2014 ')).length).toBe(3)
      // A witness the operator no longer lists is no longer served.
      await again.close()
      const onlyBob = await createCollector({ store: await db.reopen(), key, integrate: false, logOrigin: 'test.example/consentry', witnessKeys: [bob.vkey] })
      const later = await (await onlyBob.app.request('/log/checkpoint')).text()
      expect(alice.signed(later)).toBe(false)
      expect(bob.signed(later)).toBe(true)
      await onlyBob.close()
    })

    it('the checkpoint history carries each checkpoint with its own cosignatures, one query for the page', async () => {
      const { db, collector, note } = await setup([alice, bob])
      for (let i = 0; i < 2; i++) await collector.service.submit(new Browser().receipt())
      await new Integrator({ store: db.store, signer: collector.signer }).integrateNow()
      const second = await (await collector.app.request('/log/checkpoint')).text()
      expect((await post(collector, alice.cosign(note))).status).toBe(201)
      expect((await post(collector, bob.cosign(note))).status).toBe(201)
      expect((await post(collector, bob.cosign(second))).status).toBe(201)
      const calls = vi.spyOn(db.store, 'cosignatures')
      const history = (await (await collector.app.request('/log/checkpoints')).json()) as { checkpoints: { size: number; note: string }[] }
      expect(calls).toHaveBeenCalledTimes(1)
      const [three, five] = history.checkpoints
      expect([three!.size, five!.size]).toEqual([3, 5])
      expect([alice.signed(three!.note), bob.signed(three!.note)]).toEqual([true, true])
      expect([alice.signed(five!.note), bob.signed(five!.note)]).toEqual([false, true])
      for (const c of history.checkpoints) expect(c.note).toBe(await (await collector.app.request(`/log/checkpoint?size=${c.size}`)).text())
      await collector.close()
    })

    it('refuses a bad signature, an unknown witness and a checkpoint the log did not sign, each with a 400 that says why', async () => {
      const { collector, note } = await setup([alice])
      // A signature line whose last byte was changed.
      const good = alice.cosign(note)
      const bytes = Buffer.from(good.trimEnd().split(' ').pop()!, 'base64')
      bytes[bytes.length - 1]! ^= 1
      const forged = `${note}\u2014 ${alice.name} ${bytes.toString('base64')}\n`
      let res = await post(collector, forged)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'signature', detail: expect.stringContaining('does not verify') })
      // A well-formed cosignature by a key the operator did not configure.
      res = await post(collector, bob.cosign(note))
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'witness', detail: expect.stringContaining('CONSENTRY_WITNESS_KEYS') })
      // A checkpoint of another root, validly cosigned: not this log's.
      const lines = note.split('\n')
      lines[2] = Buffer.alloc(32, 7).toString('base64')
      res = await post(collector, alice.cosign(lines.join('\n')))
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'checkpoint' })
      // No witness line at all, and not a note.
      expect(await (await post(collector, note)).json()).toMatchObject({ error: 'witness' })
      expect(await (await post(collector, 'hello')).json()).toMatchObject({ error: 'note' })
      // None of them was kept.
      const served = await (await collector.app.request('/log/checkpoint')).text()
      expect(served).toBe(note)
      await collector.close()
    })
  })
}

describe('witness keys in the configuration', () => {
  it('a mistyped key stops the collector from starting, naming the expected form', async () => {
    const [backend] = backends()
    await backend!.setup()
    const db = await backend!.open()
    const vkey = new Witness('w.example/x').vkey
    await expect(createCollector({ store: db.store, key: collectorKeyFrom(newPrivateKey()), witnessKeys: [`${vkey.slice(0, -4)}AAA=`] })).rejects.toThrow(
      /key id does not match|cosignature\/v1 verifier key/,
    )
    await db.store.close()
    await backend!.teardown()
  })
})
