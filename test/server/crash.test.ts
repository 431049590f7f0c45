// Durability: a 201 follows the commit, so SIGKILL during a burst loses no acknowledged receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCollector } from './helpers/collector.js'
import { postgresEnabled, startPostgres, type TestPostgres } from './helpers/postgres.js'
import { Browser } from './helpers/receipts.js'

const ADMIN = 'crash-admin'

async function burstThenKill(args: string[], env: Record<string, string>, cwd: string) {
  const running = await startCollector(args, env, cwd)
  const acked = new Set<string>()
  let failed = 0
  let killed = false
  const worker = async () => {
    while (!killed || failed === 0) {
      const browser = new Browser()
      const jws = browser.receipt()
      try {
        const res = await fetch(`${running.url}/receipts`, { method: 'POST', body: jws, headers: { 'content-type': 'text/plain' } })
        if (res.status === 201 || res.status === 200) acked.add(((await res.json()) as { jti: string }).jti)
        else throw new Error(`unexpected ${res.status}`)
      } catch {
        failed++
        if (killed) return
      }
      if (!killed && acked.size >= 400) {
        killed = true
        running.child.kill('SIGKILL') // mid-burst: other workers have requests in flight
      }
    }
  }
  await Promise.all(Array.from({ length: 48 }, worker))
  await new Promise((resolve) => (running.child.exitCode !== null || running.child.signalCode ? resolve(null) : running.child.once('exit', resolve)))
  expect(running.child.signalCode).toBe('SIGKILL')
  return { acked, failed }
}

async function storedJtis(args: string[], env: Record<string, string>, cwd: string): Promise<Set<string>> {
  const running = await startCollector(args, env, cwd)
  try {
    const text = await (await fetch(`${running.url}/export`, { headers: { authorization: `Bearer ${ADMIN}` } })).text()
    return new Set(
      text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { jti: string }).jti),
    )
  } finally {
    running.child.kill('SIGTERM')
    await new Promise((resolve) => running.child.once('exit', resolve))
  }
}

describe('SIGKILL under load', () => {
  let dir: string
  let pg: TestPostgres | undefined
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-crash-'))
    if (postgresEnabled) pg = await startPostgres()
  })
  afterAll(() => {
    pg?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const cases = [
    { name: 'sqlite', location: async () => ({ args: ['--db', join(dir, 'crash.db')], env: {} }) },
    { name: 'postgres', skip: !postgresEnabled, location: async () => ({ args: [], env: { DATABASE_URL: await pg!.createDatabase() } }) },
  ]
  for (const c of cases) {
    it.skipIf(c.skip)(`keeps every acknowledged receipt on ${c.name}`, async () => {
      const { args, env: dbEnv } = await c.location()
      const env = { ...dbEnv, CONSENTRY_ADMIN_TOKEN: ADMIN, CONSENTRY_RATE_RECEIPTS_IP: 'off', CONSENTRY_KEY_FILE: join(dir, `${c.name}-key.pem`) }
      const { acked, failed } = await burstThenKill(args, env, dir)
      expect(acked.size).toBeGreaterThanOrEqual(400)
      expect(failed).toBeGreaterThan(0) // the kill really cut requests off
      const stored = await storedJtis(args, env, dir)
      const lost = [...acked].filter((jti) => !stored.has(jti))
      expect(lost).toEqual([])
      const audit = runCli(['audit', ...args], env, dir)
      expect(audit.stdout).toMatch(/OK/)
      expect(audit.code).toBe(0)
    })
  }
})
