// The built `consentry` bin (dist/consentry-cli.mjs) as CI runs it: real files, real exit codes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> }
const bin = pkg.bin.consentry
const dir = mkdtempSync(join(tmpdir(), 'consentry-validate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text)
  return join(dir, name)
}
const validate = (...args: string[]) => spawnSync(process.execPath, [bin, 'validate', ...args], { encoding: 'utf8' })

describe('npx consentry validate (built bin)', () => {
  test('package.json names the bin, and it starts with a shebang', () => {
    expect(bin).toBe('./dist/consentry-cli.mjs')
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  test('exit 0 on the demo config, with its hash', () => {
    const r = validate('demo/consent.json')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/✔ demo\/consent\.json is a valid Consentry config/)
    expect(r.stdout).toMatch(/^config sha256: [A-Za-z0-9_-]{43} {2}\(receipts carry it as "config"\)$/m)
  })

  test('exit 1 with file:line:column on an invalid file; JSON for CI', () => {
    const bad = file('bad.json', '{\n  "mode": "opt-inn"\n}\n')
    const r = validate(bad)
    expect(r.status).toBe(1)
    expect(r.stdout).toContain(`${bad}:2:11  error    mode: `)
    const j = validate(bad, '--format', 'json')
    expect(j.status).toBe(1)
    expect(JSON.parse(j.stdout)).toMatchObject({ valid: false, errors: 1, findings: [{ path: 'mode', line: 2, column: 11 }] })
  })

  test('--strict turns warnings into exit 1', () => {
    const warn = file('warn.json', '{ "categories": { "analytcs": {} } }')
    expect(validate(warn).status).toBe(0)
    expect(validate(warn, '--strict').status).toBe(1)
  })

  test('exit 2 when the file cannot be read', () => {
    const r = validate(join(dir, 'missing.json'))
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('cannot read')
    expect(validate(dir).status).toBe(2) // a directory
  })

  test('piped into head, it stops quietly: no EPIPE stack trace', () => {
    // 3,000 broken categories print far more than a pipe holds after `head` has gone.
    const categories = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`c${i}`, { services: { s: { cookies: [42] } } }]))
    const big = file('big.json', JSON.stringify({ categories }))
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" validate "${big}" | head -c 100 >/dev/null`], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
