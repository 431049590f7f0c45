// The collector as an operator runs it: a mistyped --db, a lost or rotated key, a database
// locked by another process, a pipe closed by `head`, and a flood of slow connections.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCollector } from '../../src/server/index.js'
import { sqliteRepository } from '../../src/server/storage/sqlite.js'
import { collectorCli, runCli, startCollector, type RunningCollector } from './helpers/collector.js'
import { Browser } from './helpers/receipts.js'

const postTo = (url: string, body: string) => fetch(`${url}/receipts`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } })
const stop = async (running: RunningCollector) => {
  running.child.kill('SIGTERM')
  await new Promise((resolve) => running.child.once('exit', resolve))
}

describe('collector operations (SQLite, the CLI as a child process)', () => {
  let dir: string
  let db: string
  const env = { CONSENTRY_ADMIN_TOKEN: 'ops-admin' }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-ops-'))
    db = join(dir, 'consent.db')
    const running = await startCollector(['--db', db], env, dir)
    for (let i = 0; i < 3; i++) expect((await postTo(running.url, new Browser().receipt())).status).toBe(201)
    await stop(running)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('audit, export, purge and rotate-key on a database file that does not exist exit 2 and create nothing', () => {
    for (const command of [['audit'], ['export'], ['purge', '--before', '2020-01-01'], ['rotate-key']]) {
      const result = runCli([...command, '--db', join(dir, 'typo.db')], {}, dir)
      expect(result.code, command[0]).toBe(2)
      expect(result.stderr).toMatch(/typo\.db does not exist/)
    }
    expect(existsSync(join(dir, 'typo.db'))).toBe(false)
  })

  it('serve refuses to start a new key for a log whose key file is missing; rotate-key --key-lost does it on purpose', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'consentry-lost-'))
    const file = join(copy, 'consent.db')
    spawnSync('cp', [db, file])
    const serve = spawnSync(process.execPath, [collectorCli(), 'serve', '--port', '0', '--db', file], { cwd: copy, encoding: 'utf8', timeout: 30_000 })
    expect(serve.status).toBe(1)
    expect(serve.stderr).toMatch(/collector-key\.pem does not exist, but this log already has 3 entries countersigned by key/)
    expect(existsSync(join(copy, 'collector-key.pem'))).toBe(false)
    const rotated = runCli(['rotate-key', '--db', file, '--key-lost'], {}, copy)
    expect(rotated.code).toBe(0)
    expect(rotated.stdout).toMatch(/retired; .* is the current key/)
    // The new key serves, the old entries still audit (the new key endorsed the old one).
    const running = await startCollector(['--db', file], env, copy)
    const jwks = await (await fetch(`${running.url}/.well-known/jwks.json`)).json()
    expect(jwks.keys.map((k: { status?: string }) => k.status ?? 'current')).toEqual(['current', 'retired'])
    expect((await postTo(running.url, new Browser().receipt())).status).toBe(201)
    await stop(running)
    expect(runCli(['audit', '--db', file], {}, copy)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^4 entries[\s\S]*OK/) })
    rmSync(copy, { recursive: true, force: true })
  })

  it('rotate-key keeps the old key file beside the new one, and audit with the new key checks the whole log', () => {
    const rotated = runCli(['rotate-key', '--db', db], {}, dir)
    expect(rotated.code).toBe(0)
    expect(readdirSync(dir).filter((f) => f.endsWith('.retired'))).toHaveLength(1)
    expect(runCli(['audit', '--db', db], {}, dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/OK/) })
  })

  it('export | head stops quietly, without a stack trace', async () => {
    // Enough rows that the output outgrows the pipe after the reader has gone.
    const running = await startCollector(['--db', db], { ...env, CONSENTRY_RATE_RECEIPTS_IP: 'off' }, dir)
    for (let i = 0; i < 400; i += 50) await Promise.all(Array.from({ length: 50 }, () => postTo(running.url, new Browser().receipt())))
    await stop(running)
    const piped = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${collectorCli()}" export --db "${db}" | head -c 100 >/dev/null`], {
      cwd: dir,
      encoding: 'utf8',
    })
    expect(piped.stderr).toBe('')
    expect(piped.status).toBe(0)
  })

  it('a write lock held by another process gets 503 + Retry-After, and the collector keeps answering meanwhile', async () => {
    // Another process (a backup, a large purge) takes the write lock and keeps it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `
      const db = new (require('better-sqlite3'))(${JSON.stringify(db)}); db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n'); process.stdin.on('end', () => { db.exec('COMMIT'); process.exit(0) }); process.stdin.resume()`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
    const release = async () => {
      holder.stdin!.end()
      if (holder.exitCode === null) await new Promise((resolve) => holder.once('exit', resolve))
    }
    onTestFinished(release)
    const store = await sqliteRepository(db, { maxWaitMs: 500 })
    const collector = await createCollector({ store, key: { file: join(dir, 'collector-key.pem') }, adminToken: 'ops-admin' })
    let settled = false
    const pending = Promise.resolve(
      collector.app.request('/receipts', { method: 'POST', body: new Browser().receipt(), headers: { 'content-type': 'text/plain' } }),
    ).finally(() => (settled = true))
    // While the receipt waits for the lock, other requests are answered: the event loop is free.
    const health = await collector.app.request('/healthz')
    expect(health.status).toBe(200)
    expect(settled).toBe(false)
    const res = await pending
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect((await res.json()).detail).toMatch(/locked by another process/)
    await release()
    expect(
      (await collector.app.request('/receipts', { method: 'POST', body: new Browser().receipt(), headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(201)
    await collector.close()
  })

  it('with hundreds of slow connections open (more than the process has file descriptors), a visitor still gets a 201 within 1 s', async () => {
    // The collector gets 256 descriptors; 400 clients open connections and send headers slowly.
    const child = spawn('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${collectorCli()}" serve --port 0 --db "${db}"`], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1]!)
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.once('exit', (code) => reject(new Error(`collector exited (${code}):\n${output}`)))
    })
    const { hostname, port } = new URL(url)
    const slow: Socket[] = []
    for (let i = 0; i < 400; i++) {
      const socket = connect(Number(port), hostname)
      socket.on('error', () => undefined)
      socket.write('POST /receipts HTTP/1.1\r\nHost: collector\r\nContent-Type: text/plain\r\n')
      slow.push(socket)
    }
    await Promise.all(slow.map((s) => new Promise((resolve) => (s.connecting ? s.once('connect', resolve).once('close', resolve) : resolve(undefined)))))
    const started = performance.now()
    const res = await postTo(url, new Browser().receipt())
    const elapsed = performance.now() - started
    expect(res.status).toBe(201)
    expect(elapsed).toBeLessThan(1000)
    console.log(`slow-client test: 400 slow connections against 256 descriptors; a normal POST got ${res.status} in ${elapsed.toFixed(0)} ms`)
    slow.forEach((s) => s.destroy())
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  })
})
