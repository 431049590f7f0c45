// A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temp dir on a free port,
// run as the `postgres` OS user when we are root (PostgreSQL refuses to run as root).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestPostgres {
  /** A fresh, empty database on the server. */
  createDatabase(): Promise<string>
  stop(): void
}

function findBin(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] && join(root, versions[0], 'bin')
}

const postgresBin = findBin()

/**
 * Whether the PostgreSQL suites run. Under CI=true they always do, and fail when the server
 * cannot start: a missing install must not turn into a quietly smaller test run.
 */
export const postgresEnabled = postgresBin !== undefined || process.env.CI === 'true'

if (!postgresEnabled) {
  console.warn('\n\n*** PostgreSQL binaries not found (/usr/lib/postgresql/*/bin or PG_BIN): POSTGRESQL TESTS ARE SKIPPED ***\n\n')
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })

export async function startPostgres(): Promise<TestPostgres> {
  if (!postgresBin)
    throw new Error(
      "CI=true, but no PostgreSQL server binaries were found (/usr/lib/postgresql/*/bin or PG_BIN): install Debian's postgresql package (.ci/run does)",
    )
  const bin = postgresBin
  const dir = mkdtempSync(join(tmpdir(), 'consentry-pg-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
    chownSync(dir, uid, gid)
  }
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, cmd), args, { stdio: 'pipe' })
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
  const port = await freePort()
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, 'start'])
  const base = `postgres://postgres@127.0.0.1:${port}`
  let n = 0
  const { default: pg } = await import('pg')
  return {
    async createDatabase() {
      const name = `t${process.pid}_${++n}`
      const client = new pg.Client({ connectionString: `${base}/postgres` })
      await client.connect()
      await client.query(`CREATE DATABASE ${name}`)
      await client.end()
      return `${base}/${name}`
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
