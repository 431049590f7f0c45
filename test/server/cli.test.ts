// The CLI as a site owner runs it: serve, then audit, export and purge on the same database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteRepository } from '../../src/server/storage/sqlite.js'
import { runCli, startCollector } from './helpers/collector.js'
import { Browser } from './helpers/receipts.js'

describe('consentry-collector CLI', () => {
  let dir: string
  let db: string
  const env = { CONSENTRY_ADMIN_TOKEN: 'cli-admin' }
  const browsers = [new Browser(), new Browser(), new Browser()]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-cli-'))
    db = join(dir, 'consent.db')
    const running = await startCollector(['--db', db], env, dir)
    for (const b of browsers) {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${running.url}/receipts`, { method: 'POST', body: b.receipt(), headers: { 'content-type': 'text/plain;charset=UTF-8' } })
        expect(res.status).toBe(201)
      }
    }
    const erased = await fetch(`${running.url}/receipts/${browsers[0]!.sub}`, { method: 'DELETE', headers: { authorization: 'Bearer cli-admin' } })
    expect(erased.status).toBe(200)
    running.child.kill('SIGTERM')
    await new Promise((resolve) => running.child.once('exit', resolve))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** The newest audit run the database holds, as GET /stats/health reads it. */
  const lastAudit = async () => {
    const store = await sqliteRepository(db)
    try {
      return await store.lastAudit()
    } finally {
      await store.close()
    }
  }

  it('created its key file with mode 0600 beside the working directory', () => {
    expect(statSync(join(dir, 'collector-key.pem')).mode & 0o777).toBe(0o600)
  })

  it('audit exits 0 on a clean log, and notes its run in the database', async () => {
    const { code, stdout } = runCli(['audit', '--db', db], {}, dir)
    expect(stdout).toMatch(/^7 entries \(6 receipts, 2 erased, 1 erasure\/purge records\)/)
    expect(stdout).toMatch(/OK/)
    expect(code).toBe(0)
    // The run is noted in the database for the console's log health ("last audit").
    expect(await lastAudit()).toMatchObject({ ok: true, entries: 7, findings: 0, firstFinding: null, signaturesChecked: true })
  })

  it('export writes JSON lines or CSV, within --from/--to', () => {
    const jsonl = runCli(['export', '--db', db], {}, dir)
    expect(jsonl.code).toBe(0)
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toHaveLength(7)
    expect(rows.filter((r) => r.sub === browsers[1]!.sub)).toHaveLength(2)
    const csv = runCli(['export', '--db', db, '--format', 'csv'], {}, dir)
    const lines = csv.stdout.trim().split('\r\n')
    expect(lines[0]).toMatch(/^logIndex,kind,receivedAt,jti,sub/)
    expect(lines).toHaveLength(8)
    expect(runCli(['export', '--db', db, '--from', '2999-01-01'], {}, dir).stdout).toBe('')
    expect(runCli(['export', '--db', db, '--format', 'xml'], {}, dir).code).toBe(2)
  })

  it('purge --before erases with a record; audit stays clean', () => {
    const purge = runCli(['purge', '--db', db, '--before', new Date(Date.now() + 1000).toISOString()], {}, dir)
    expect(purge.stdout).toMatch(/erased 4 receipt\(s\).*purge record is entry 8/)
    expect(runCli(['audit', '--db', db], {}, dir).code).toBe(0)
    expect(runCli(['purge', '--db', db], {}, dir).code).toBe(2)
  })

  it('audit exits 1 and names the first altered entry', async () => {
    const { default: Sqlite } = await import('better-sqlite3')
    const conn = new Sqlite(db)
    conn.exec(`DROP TRIGGER log_entries_no_rewrite; UPDATE log_entries SET received_ms = received_ms + 1 WHERE log_index = 5`)
    conn.close()
    const { code, stdout } = runCli(['audit', '--db', db], {}, dir)
    expect(stdout).toMatch(/entry 5: altered/)
    expect(stdout).toMatch(/FAILED: .* first at entry 5/)
    expect(code).toBe(1)
    const run = await lastAudit()
    expect(run).toMatchObject({ ok: false, entries: 8, firstFinding: expect.stringMatching(/^entry 5: altered: /) })
    expect(run!.findings).toBeGreaterThan(0)
  })

  it('explains usage mistakes with exit code 2, and a missing key with 1', () => {
    expect(runCli(['frobnicate'], {}, dir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command/) })
    expect(runCli(['serve', '--port', 'x'], {}, dir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/--port/) })
    expect(runCli(['audit', '--db', db, '--key', join(dir, 'nope.pem')], {}, dir)).toMatchObject({ code: 1, stderr: expect.stringMatching(/does not exist/) })
  })
})
