// Collector keys are made without node:crypto's key-generation jobs (src/server/keys.ts): on
// Node 20, a GC inside export({ format: 'jwk' }) can run a finished KeyGenJob's destructor on a
// mutex the export holds, and the process hangs with its timers stopped (the server suite did,
// in trust.test.ts's fuzz). Each run below makes and exports thousands of keys in a child
// process with a tiny young generation, so that GCs land inside exports; a hang is seen from
// here, where the event loop still runs. With generateKeyPairSync, one run in three hung.
import { execFile } from 'node:child_process'
import { createPublicKey, sign, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { newPrivateKey } from '../../src/server/keys.js'

const child = (alg: 'EdDSA' | 'ES256') => `
  import { createPublicKey } from 'node:crypto'
  import { newPrivateKey } from './dist/server.mjs'
  for (let i = 0; i < 15000; i++) createPublicKey(newPrivateKey('${alg}')).export({ format: 'jwk' })
  console.log('done')
`

function run(alg: 'EdDSA' | 'ES256'): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--max-semi-space-size=1', '--input-type=module', '-e', child(alg)],
      { timeout: 30_000, cwd: new URL('../..', import.meta.url).pathname },
      (error, stdout) => resolve(error ? `${error.killed ? 'hung (killed after 30 s)' : error.message}` : stdout.trim()),
    )
  })
}

describe('collector keys', () => {
  it('are valid key pairs of each algorithm', () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      for (let i = 0; i < 200; i++) {
        const key = newPrivateKey(alg)
        const data = Buffer.from(`message ${i}`)
        const signature = sign(alg === 'EdDSA' ? null : 'sha256', data, key)
        expect(verify(alg === 'EdDSA' ? null : 'sha256', data, createPublicKey(key), signature)).toBe(true)
        expect(key.asymmetricKeyType).toBe(alg === 'EdDSA' ? 'ed25519' : 'ec')
      }
    }
  })

  it('are made and exported by the thousand without hanging the process', async () => {
    const results = await Promise.all([run('ES256'), run('ES256'), run('EdDSA')])
    expect(results).toEqual(['done', 'done', 'done'])
  }, 60_000)
})
