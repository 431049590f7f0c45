// Builds and runs the collector CLI as a real child process (crash and CLI tests).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

let built: string | undefined

/**
 * The CLI to run: $CONSENTRY_COLLECTOR_CLI (e.g. dist/collector-cli.mjs after `npm run build`),
 * else the collector compiled on its own with tsc into .tmp/collector — so these tests do not
 * depend on the browser bundle building.
 */
export function collectorCli(): string {
  if (process.env.CONSENTRY_COLLECTOR_CLI) {
    const cli = resolve(process.env.CONSENTRY_COLLECTOR_CLI)
    if (!existsSync(cli)) throw new Error(`CONSENTRY_COLLECTOR_CLI=${cli} does not exist; run npm run build first`)
    return cli
  }
  if (!built) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    execFileSync(process.execPath, [tsc, '-p', join(root, 'test/server/helpers/tsconfig.collector.json')], { cwd: root, stdio: 'inherit' })
    built = join(root, '.tmp/collector/server/cli.js')
  }
  return built
}

export interface RunningCollector {
  child: ChildProcess
  url: string
  output: () => string
}

/** Starts `serve --port 0` and resolves once it prints where it listens. */
export function startCollector(args: string[], env: Record<string, string>, cwd: string): Promise<RunningCollector> {
  const child = spawn(process.execPath, [collectorCli(), 'serve', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolvePromise({ child, url: match[1]!, output: () => output })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`collector exited (${code}) before listening:\n${output}`)))
  })
}

/** Runs a one-shot CLI command; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string>, cwd: string): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [collectorCli(), ...args], { cwd, env: { ...process.env, ...env }, stdio: 'pipe' }).toString()
    return { code: 0, stdout, stderr: '' }
  } catch (error) {
    const e = error as { status: number; stdout: Buffer; stderr: Buffer }
    return { code: e.status, stdout: e.stdout.toString(), stderr: e.stderr.toString() }
  }
}
