// `npx consentry validate consent.json [--strict] [--format json] [--previous old.json] [--stamp]`
// Exit codes: 0 valid, 1 invalid (or warnings with --strict), 2 cannot read / bad usage.
// `npx consentry scan <url> …` is src/scan/cli.ts, loaded only for that command: it
// needs playwright-core, which `validate` must not.

import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { SDK_VERSION } from '../version.js'
import { check, type Finding, type Report } from './check.js'

const USAGE = `Usage: consentry validate <consent.json> [options]
       consentry scan <url> [options]   (cookie scanner: consentry scan --help)

Checks a Consentry config against consentry.schema.json and the SDK's run-time rules,
and warns about legal pitfalls. Prints the config's SHA-256 (the "config" claim of receipts).

  --strict              warnings fail the check too (exit 1)
  --format text|json    json: one JSON report on stdout, for CI pipelines
  --previous FILE       the config released before: says whether "revision" must go up
  --stamp               when valid, write the config's fingerprint into the file as "checked":
                        browsers then skip their own check of it (no consentry-check.js)
  -h, --help            this text
  -v, --version         the SDK version

Exit codes: 0 valid, 1 invalid, 2 the file cannot be read (or bad usage).`

export interface Io {
  out(text: string): void
  err(text: string): void
  read(file: string): string
  /** Where `--stamp` writes; writeFileSync when absent. */
  write?(file: string, text: string): void
}

const nodeIo: Io = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  read: (file) => readFileSync(file, 'utf8'),
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** One line per finding: `file:line:column  severity  path: message`. */
const formatFinding = (file: string, f: Finding): string => `${file}:${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.path || '(root)'}: ${f.message}`

function text(file: string, report: Report, strict: boolean, stamped: boolean): string[] {
  const lines = report.findings.map((f) => formatFinding(file, f))
  if (lines.length) lines.push('')
  const counts = `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}`
  if (report.valid) lines.push(`✔ ${file} is a valid Consentry config (${counts})`)
  else lines.push(`✖ ${file} is not valid (${counts}${strict && !report.errors ? '; --strict counts warnings' : ''})`)
  if (report.sha256) {
    lines.push(`config sha256: ${report.sha256}  (receipts carry it as "config")`)
    if (report.fingerprint)
      lines.push(
        stamped
          ? `stamped: "checked": "${report.fingerprint}" written to ${file} (browsers skip their own check of this config)`
          : report.stamp === 'current'
            ? `stamp: ${report.fingerprint}, carried by the file as "checked" (browsers skip their own check of this config)`
            : `stamp: ${report.fingerprint}  (--stamp writes it as "checked": browsers then skip their own check)`,
      )
    const advice = report.revisionAdvice
    lines.push(
      advice
        ? `revision: ${advice.current} (previous ${advice.previous}) — ${advice.bumpNeeded ? `bump to ${advice.previous + 1} before release` : 'no bump needed'}`
        : `revision: ${report.revision}  (give --previous old.json to check whether this change needs a revision bump)`,
    )
  }
  return lines
}

/** Runs the CLI with `args` (without `node` and the script); resolves to the exit code. */
export async function run(args: string[], io: Io = nodeIo): Promise<number> {
  if (args[0] === 'scan') {
    const { runScan, ttyProgress } = await import('../scan/cli.js')
    return runScan(args.slice(1), { ...io, progress: io === nodeIo ? ttyProgress(process.stderr) : undefined })
  }
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        strict: { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        previous: { type: 'string' },
        stamp: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (error) {
    io.err(`consentry: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(USAGE)
    return 0
  }
  if (values.version) {
    io.out(SDK_VERSION)
    return 0
  }
  const [command, file, ...rest] = positionals
  if (command !== 'validate' || !file || rest.length || (values.format !== 'text' && values.format !== 'json')) {
    io.err(
      `consentry: ${command && command !== 'validate' ? `unknown command "${command}" (validate or scan)` : !file ? 'no config file given' : rest.length ? `one file at a time (got ${positionals.length - 1})` : `unknown --format "${values.format}" (text or json)`}\n\n${USAGE}`,
    )
    return 2
  }
  const json = values.format === 'json'
  const load = (path: string): string | undefined => {
    try {
      return io.read(path)
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
      if (json) io.out(JSON.stringify({ file: path, valid: false, error: `cannot read ${path}: ${reason}` }, null, 2))
      else io.err(`consentry: cannot read ${path}: ${reason}`)
      return undefined
    }
  }
  const source = load(file)
  if (source === undefined) return 2
  let previous: string | undefined
  if (values.previous !== undefined) {
    previous = load(values.previous)
    if (previous === undefined) return 2
  }
  const report = await check(source, { strict: values.strict, previous })
  // The stamp goes into the file only for a config that passed: it tells browsers not to check it.
  const stamped = values.stamp && report.valid && report.fingerprint !== undefined
  if (stamped)
    try {
      ;(io.write ?? writeFileSync)(file, JSON.stringify({ ...JSON.parse(source), checked: report.fingerprint }, null, 2) + '\n')
    } catch (error) {
      io.err(`consentry: cannot write the stamp into ${file}: ${(error as Error).message}`)
      return 2
    }
  if (json) io.out(JSON.stringify({ file, strict: values.strict, stamped, ...report }, null, 2))
  else for (const line of text(file, report, values.strict, stamped)) io.out(line)
  return report.valid ? 0 : 1
}
