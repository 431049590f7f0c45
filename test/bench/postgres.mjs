// A throwaway PostgreSQL server for the benchmarks (initdb + pg_ctl in `dir`, on a free port,
// as the `postgres` OS user when run as root). The tests have their own, in TypeScript:
// test/server/helpers/postgres.ts.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })

/**
 * Starts a server with its data in `dir`; `settings` are extra `-c` options (e.g. 'fsync=off').
 * Resolves to { url, stop(mode) }, or undefined when no /usr/lib/postgresql/<v>/bin is installed.
 */
export async function startPostgres(dir, settings = []) {
  const base = '/usr/lib/postgresql'
  const version =
    existsSync(base) &&
    readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin/pg_ctl')))
      .sort((a, b) => b - a)[0]
  if (!version) return undefined
  const bin = join(base, version, 'bin')
  const asRoot = process.getuid?.() === 0
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])))
  const run = (cmd, args) =>
    execFileSync(asRoot ? 'runuser' : join(bin, cmd), asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args, { stdio: 'pipe' })
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
  const port = await freePort()
  const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...settings.map((s) => `-c ${s}`)].join(' ')
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start'])
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: (mode = 'fast') => run('pg_ctl', ['-D', data, '-m', mode, 'stop']) }
}
