// Two collectors on one PostgreSQL database: one integrates the Merkle tree at a time; when it
// is SIGKILLed mid-burst the other takes over, and no receipt is lost or integrated twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCollector, type RunningCollector } from './helpers/collector.js'
import { postgresEnabled, startPostgres, type TestPostgres } from './helpers/postgres.js'
import { Browser } from './helpers/receipts.js'
import { b, leafOf, openCheckpoint, verifyInclusionRfc } from './helpers/rfc9162.js'

const CLAIM = 'this process integrates the Merkle tree'

/** Resolves when the collector's output contains `text`. */
function printed(running: RunningCollector, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (running.output().includes(text)) return resolve()
      if (running.child.exitCode !== null || running.child.signalCode)
        return reject(new Error(`collector exited before printing ${JSON.stringify(text)}:\n${running.output()}`))
      running.child.stdout!.once('data', () => setImmediate(check))
    }
    check()
  })
}

describe.skipIf(!postgresEnabled)('two collectors on one PostgreSQL database', () => {
  let dir: string
  let pg: TestPostgres
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-integrator-'))
    pg = await startPostgres()
  })
  afterAll(() => {
    pg?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the integrator is SIGKILLed mid-burst: the other takes over, nothing is lost or integrated twice', async () => {
    const env = {
      DATABASE_URL: await pg.createDatabase(),
      CONSENTRY_RATE_RECEIPTS_IP: 'off',
      CONSENTRY_KEY_FILE: join(dir, 'key.pem'),
      CONSENTRY_LOG_ORIGIN: 'shop.example/consentry',
      CONSENTRY_VERIFY_THREADS: '0',
    }
    const first = await startCollector([], env, dir)
    await printed(first, CLAIM)
    const second = await startCollector([], env, dir)
    const acked = new Map<string, { leafIndex: number; jws: string }>()
    let killed = false
    let failedOnFirst = 0
    const worker = async (n: number) => {
      for (let i = 0; acked.size < 900; i++) {
        const target = (n + i) % 2 === 0 && !killed ? first : second
        const jws = new Browser().receipt()
        try {
          const answer = fetch(`${target.url}/receipts`, { method: 'POST', body: jws, headers: { 'content-type': 'text/plain' } })
          // Killed while this request is unanswered: the collector answers a commit's receipts all at
          // once, so a kill after an answer can find nothing in flight (seen under load in CI).
          if (!killed && target === first && acked.size >= 300) {
            killed = true
            first.child.kill('SIGKILL')
          }
          const res = await answer
          expect(res.status).toBe(201)
          const ack = (await res.json()) as { jti: string; leafIndex: number }
          acked.set(ack.jti, { leafIndex: ack.leafIndex, jws })
        } catch (error) {
          if (target !== first || !killed) throw error
          failedOnFirst++
        }
      }
    }
    await Promise.all(Array.from({ length: 16 }, (_, n) => worker(n)))
    await new Promise((resolve) => (first.child.signalCode ? resolve(null) : first.child.once('exit', resolve)))
    expect(first.child.signalCode).toBe('SIGKILL')
    expect(failedOnFirst).toBeGreaterThan(0) // requests were in flight when it died
    await printed(second, CLAIM)

    // The survivor's checkpoint comes to cover every entry (it polls for them).
    const head = async () => ((await (await fetch(`${second.url}/healthz`)).json()) as { logIndex: number }).logIndex
    const vkey = await (await fetch(`${second.url}/log/key`)).text()
    const checkpoint = async () => {
      const res = await fetch(`${second.url}/log/checkpoint`)
      return res.status === 200 ? openCheckpoint(await res.text(), vkey) : undefined
    }
    const expected = await head()
    expect(expected).toBeGreaterThanOrEqual(acked.size)
    let cp = await checkpoint()
    while (!cp || cp.size < expected) {
      await new Promise((resolve) => setImmediate(resolve))
      cp = await checkpoint()
    }
    expect(cp.size).toBe(expected)

    // Every acknowledged receipt is its leaf of the signed tree (an independent verifier).
    for (const { leafIndex, jws } of acked.values()) {
      const proof = (await (await fetch(`${second.url}/log/proof/inclusion?index=${leafIndex}&size=${cp.size}`)).json()) as { hashes: string[] }
      expect(verifyInclusionRfc(leafOf(jws), leafIndex, cp.size, b(proof.hashes), cp.root), `leaf ${leafIndex}`).toBe(true)
    }
    second.child.kill('SIGTERM')
    await new Promise((resolve) => second.child.once('exit', resolve))

    // audit recomputes every node and checks each checkpoint against the one before.
    const audit = runCli(['audit'], env, dir)
    expect(audit.stdout).toContain(`merkle tree: ${expected} leaves checkpointed`)
    expect(audit.stdout).toMatch(/^OK/m)
    expect(audit.code).toBe(0)
  })
})
